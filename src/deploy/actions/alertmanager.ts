import type pg from 'pg';
import { z } from 'zod';
import { note } from '../../announce/blocks/rollout-messages.js';
import { pageRoles, resolvePage } from '../../announce/page.js';
import { noteInThread } from '../../announce/thread.js';
import { anyInTrouble, findGroupInTrouble } from '../../infra/db/alert-groups.js';
import { writeAudit } from '../../infra/db/audit.js';
import { type Deployment, getDeployment, listActiveDeployments } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import type { DeployDeps } from '../../ports.js';
import { type AfterCommit, afterCommit, runAfterCommit } from '../after-commit.js';
import { leadsToPage } from '../authorize.js';
import { lockAlerts, raiseAlerts, settleAlerts } from '../flow/alert-group.js';
import { type AlertmanagerMember, alertmanagerKey } from '../model/alert-group.js';

/** Alertmanager's webhook payload, version 4 (the fields Stagecoach reads). */
export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  status: z.enum(['firing', 'resolved']),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: z.record(z.string(), z.string()),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.string(),
        fingerprint: z.string().min(1),
        generatorURL: z.string().optional(),
      }),
    )
    .max(1000),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;

export interface AlertmanagerOutcome {
  posted: number;
  resolved: number;
  repeated: number;
  unmatched: number;
}

const alertmanagerPage = { key: 'alertmanager', kind: 'metric' } as const;

type Alert = AlertmanagerPayload['alerts'][number];

/**
 * Alerts from the team's own Alertmanager: a firing alert whose environment label names an
 * active deployment's environment joins the deployment's open alert (or opens one) with
 * [Roll back] [Acknowledge], once per fingerprint while it fires (Alertmanager repeats firing
 * alerts), and pages like a breached monitor; a resolved one is marked so in that alert and noted.
 * An alert matching no deployment is counted, never an error.
 */
export async function receiveAlerts(
  deps: DeployDeps,
  payload: AlertmanagerPayload,
): Promise<AlertmanagerOutcome> {
  const label = deps.plan.alertmanager.environmentLabel;
  const active = await listActiveDeployments(deps.db);
  const outcome: AlertmanagerOutcome = { posted: 0, resolved: 0, repeated: 0, unmatched: 0 };
  for (const alert of payload.alerts) {
    const deployment = active.find((d) => d.environment === alert.labels[label] && !d.dryRun);
    if (!deployment) {
      outcome.unmatched++;
      continue;
    }
    const later = afterCommit();
    const result = await inTransaction(deps.db, async (client) => {
      // The alerts' lock first (a poll may be editing the same alert), then the deployment's row.
      await lockAlerts(client, deployment.id);
      const current = await getDeployment(client, deployment.id, { forUpdate: true });
      if (!current) return 'unmatched' as const;
      return alert.status === 'firing'
        ? await fire(client, deps, later, current, alert)
        : await resolve(client, deps, later, current, alert);
    });
    await runAfterCommit(deps, later);
    outcome[result]++;
  }
  return outcome;
}

async function fire(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  current: Deployment,
  alert: Alert,
): Promise<'posted' | 'repeated'> {
  const key = alertmanagerKey(alert.fingerprint);
  if ((await findGroupInTrouble(client, current.id, key)) !== undefined) return 'repeated';
  const name = alert.labels.alertname ?? 'alert';
  const summary = alert.annotations.summary ?? alert.annotations.description;
  const member: AlertmanagerMember = {
    key,
    source: 'alertmanager',
    raisedAt: deps.clock().toISOString(),
    fingerprint: alert.fingerprint,
    alertname: name,
    environment: current.environment,
    ...(summary ? { summary } : {}),
    ...(alert.generatorURL ? { generatorUrl: alert.generatorURL } : {}),
  };
  await raiseAlerts(client, deps, later, current.id, [member], deps.clock());
  await writeAudit(client, {
    deploymentId: current.id,
    actor: 'alertmanager',
    action: 'external_alert',
    detail: { alertname: name, fingerprint: alert.fingerprint, status: 'firing' },
  });
  const lead = leadsToPage(deps.plan, 'rollback');
  await pageRoles(
    client,
    deps,
    current.id,
    lead,
    `Alertmanager: ${name} is firing on deployment #${current.id} (${current.version} → ${current.environment}). See the alert in the thread.`,
    later,
    alertmanagerPage,
  );
  return 'posted';
}

async function resolve(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  current: Deployment,
  alert: Alert,
): Promise<'resolved' | 'unmatched'> {
  const promptId = await findGroupInTrouble(client, current.id, alertmanagerKey(alert.fingerprint));
  if (promptId === undefined) return 'unmatched';
  const name = alert.labels.alertname ?? 'alert';
  await settleAlerts(
    client,
    deps,
    later,
    promptId,
    [{ key: alertmanagerKey(alert.fingerprint) }],
    deps.clock(),
  );
  await noteInThread(
    client,
    later,
    current.id,
    note(`:large_green_circle: Alertmanager: *${name}* resolved.`),
  );
  await writeAudit(client, {
    deploymentId: current.id,
    actor: 'alertmanager',
    action: 'external_alert',
    detail: { alertname: name, fingerprint: alert.fingerprint, status: 'resolved' },
  });
  if (!(await anyInTrouble(client, current.id, 'alertmanager')))
    await resolvePage(client, deps, current.id, alertmanagerPage, `Alertmanager: ${name} resolved`, later);
  return 'resolved';
}
