import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { roleName } from '../deploy/authorize.js';
import type { AfterCommit } from '../deploy/intents.js';
import { getDeployment } from '../infra/db/deployments.js';
import type { DbClient } from '../infra/db/pool.js';
import { listAssignments } from '../infra/db/roles.js';
import type { PagerDutyEvent } from '../infra/notify/notification.js';
import type { DeployDeps } from '../ports.js';
import { pageMessage, resolvedPageMessage } from './blocks/rollout-messages.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';
import { postOrReplace } from './thread.js';

/**
 * Why a page went out: one page per cause and deployment, edited as it escalates and when it is
 * answered. `process`: a person did not answer (a deadline, check-ins); `metric`: the system saw
 * something wrong (a breach, a critical issue). They look different in the channel.
 */
export interface PageCause {
  key: string;
  kind: 'process' | 'metric';
}

const resolvedMark = ':white_check_mark:';

/** PagerDuty's dedup_key of a page: stable per deployment, cause and generation. */
const pagerDutyKey = (pageKey: string) => `stagecoach-${pageKey.replace(/[^A-Za-z0-9#_-]+/g, '-')}`;

/**
 * The current page of a cause: its key (`page:<deployment>:<cause>`, then `#2`, `#3`… once an
 * earlier one was resolved) and what it says now (its last edit), if it was posted.
 */
async function currentPage(
  client: DbClient,
  deploymentId: number,
  cause: Pick<PageCause, 'key'>,
): Promise<{ key: string; text?: string; resolved: boolean; generation: number }> {
  const base = `page:${deploymentId}:${cause.key}`;
  const first = await client.query<{ key: string }>(
    `SELECT dedupe_key AS key FROM notifications
      WHERE deployment_id = $1 AND (dedupe_key = $2 OR dedupe_key LIKE $3) ORDER BY id DESC LIMIT 1`,
    [deploymentId, base, `${base.replace(/[\\%_]/g, '\\$&')}#%`],
  );
  const key = first.rows[0]?.key;
  if (!key) return { key: base, resolved: false, generation: 1 };
  const latest = await client.query<{ text: string }>(
    `SELECT message->>'text' AS text FROM notifications
      WHERE deployment_id = $1 AND (dedupe_key = $2 OR target->>'replaces' = $2) ORDER BY id DESC LIMIT 1`,
    [deploymentId, key],
  );
  const text = latest.rows[0]?.text;
  const generation = Number(key.split('#')[1] ?? 1);
  return { key, ...(text ? { text } : {}), resolved: text?.startsWith(resolvedMark) ?? false, generation };
}

/**
 * Pages the holders of some roles: a top-level @-mention in the deployment channel, where it is
 * seen. A second page for the same cause edits the first ("3 check-ins missed", then 4) instead
 * of adding another.
 */
export async function pageRoles(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  roles: string[],
  text: string,
  later: AfterCommit,
  cause: PageCause,
) {
  const assignments = await listAssignments(client);
  const users = [...new Set(roles.flatMap((role) => assignments.get(role) ?? []))];
  const names = roles.map((role) => roleName(deps.plan, role)).join(', ');
  const deployment = await getDeployment(client, deploymentId);
  const channel = deployment?.channelId ?? deps.settings.channels.deployment;
  // Still open: edited as it escalates. Resolved earlier: this is news, so a new page that notifies.
  const page = await currentPage(client, deploymentId, cause);
  const key = page.resolved ? `page:${deploymentId}:${cause.key}#${page.generation + 1}` : page.key;
  await postOrReplace(
    client,
    later,
    deploymentId,
    key,
    { channel, linkThreadOf: deploymentId },
    pageMessage(users, names, text, cause.kind),
  );
  // The same page in PagerDuty, when configured: one incident per page, updated as it escalates.
  const summary = `${deps.plan.application}: ${text}`;
  const event: PagerDutyEvent = {
    action: 'trigger',
    dedupKey: pagerDutyKey(key),
    summary,
    severity: cause.kind === 'metric' ? 'critical' : 'error',
    source: `stagecoach/${deployment?.environment ?? 'unknown'}`,
    details: { deployment: deploymentId, version: deployment?.version ?? '', roles: names, cause: cause.key },
  };
  if (!deps.notifiers?.pagerduty) return;
  const row = await enqueueNotification(
    client,
    {
      deploymentId,
      dedupeKey: `${key}:pagerduty:${randomUUID()}`,
      channel: 'pagerduty',
      target: {},
      message: { text: summary, pagerduty: event },
    },
    deps,
  );
  later.notify.push(row);
}

/** Marks the page of `cause` answered, in place: nobody is left chasing what is already handled. */
export async function resolvePage(
  client: pg.PoolClient,
  deps: Pick<DeployDeps, 'settings' | 'notifiers' | 'log'>,
  deploymentId: number,
  cause: Pick<PageCause, 'key'>,
  resolution: string,
  later: AfterCommit,
) {
  const page = await currentPage(client, deploymentId, cause);
  if (page.text === undefined || page.resolved) return;
  const deployment = await getDeployment(client, deploymentId);
  const channel = deployment?.channelId ?? deps.settings.channels.deployment;
  await postOrReplace(
    client,
    later,
    deploymentId,
    page.key,
    { channel },
    resolvedPageMessage(page.text, resolution),
  );
  if (!deps.notifiers?.pagerduty) return;
  const row = await enqueueNotification(
    client,
    {
      deploymentId,
      dedupeKey: `${page.key}:pagerduty:resolve`,
      channel: 'pagerduty',
      target: {},
      message: {
        text: `Resolved: ${resolution}`,
        pagerduty: {
          action: 'resolve',
          dedupKey: pagerDutyKey(page.key),
          summary: resolution,
          severity: 'info',
          source: 'stagecoach',
        },
      },
    },
    deps,
  );
  later.notify.push(row);
}
