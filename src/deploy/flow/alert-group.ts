import type pg from 'pg';
import { alertGroupMessage } from '../../announce/blocks/alert-message.js';
import { recordPrompt } from '../../announce/prompts.js';
import { refreshAlertGroup } from '../../announce/refresh-alert-group.js';
import {
  hasPendingAutoRollback,
  lockAlertPrompt,
  lockOpenAlertGroup,
  saveAlertGroup,
} from '../../infra/db/alert-groups.js';
import { decidePrompt } from '../../infra/db/prompts.js';
import { cancelAutoRollback } from '../../infra/db/timers.js';
import type { Metric, Reading } from '../../infra/monitor/read-metric.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import {
  type AlertMember,
  breachesInTrouble,
  isAllBack,
  joinGroup,
  type MonitorMember,
  membersOf,
  monitorKey,
  settleMember,
} from '../model/alert-group.js';
import { scaledForPeople, scheduleTimer } from './timers.js';

/** The advisory lock of a deployment's alerts: one poll, or one Alertmanager delivery, at a time. */
const alertsLockSpace = 7_400_212;

/** Polls skip a turn rather than wait: the next poll comes soon, and decisions must not queue behind one. */
export async function tryLockAlerts(client: pg.PoolClient, deploymentId: number): Promise<boolean> {
  const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [
    alertsLockSpace,
    deploymentId,
  ]);
  return locked.rows[0]?.ok === true;
}

/** Alertmanager's alerts wait their turn (taken before the deployment's row: no lock is held yet). */
export async function lockAlerts(client: pg.PoolClient, deploymentId: number): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [alertsLockSpace, deploymentId]);
}

/**
 * Grouped alerts (issue #18). What goes wrong while an alert is open joins that one message, which
 * is edited in place; what comes back is marked so; once everything is back the alert closes
 * ("Recovered") and the next trouble opens a new one. An answered alert (acknowledged, held) takes
 * no new members: news after someone looked is a new alert. All in the caller's transaction.
 */
export async function raiseAlerts(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deploymentId: number,
  joining: AlertMember[],
  now: Date,
): Promise<{ promptId: number; joined: AlertMember[] }> {
  const open = await lockOpenAlertGroup(client, deploymentId);
  if (!open) {
    const autoRollbackAt = autoRollbackFor(deps, joining, now);
    // Recorded with its rendered message, so the reconciler can post it if this process dies first.
    const prompt = await recordPrompt(
      client,
      later,
      deploymentId,
      'alert',
      (promptId) =>
        alertGroupMessage({ members: joining, timeZone: deps.plan.timezone, promptId, autoRollbackAt }),
      { members: joining, ...(autoRollbackAt ? { autoRollbackAt: autoRollbackAt.toISOString() } : {}) },
    );
    if (autoRollbackAt)
      await armAutoRollback(client, deps, later, { deploymentId, promptId: prompt.id }, joining);
    return { promptId: prompt.id, joined: joining };
  }
  const before = membersOf(open.payload) ?? [];
  const members = joinGroup(before, joining);
  const joined = members.slice(before.length);
  if (joined.length === 0) return { promptId: open.id, joined };
  // A breach joining an alert whose auto-rollback is not pending (no data so far, or the breaches
  // came back) arms one; one already counting down keeps its time.
  const autoRollbackAt = (await hasPendingAutoRollback(client, open.id))
    ? undefined
    : autoRollbackFor(deps, joined, now);
  await saveAlertGroup(client, open.id, members, autoRollbackAt);
  if (autoRollbackAt)
    await armAutoRollback(client, deps, later, { deploymentId, promptId: open.id }, members);
  await refreshAlertGroup(client, deps, later, open.id);
  return { promptId: open.id, joined };
}

/**
 * Marks members of one alert back. Once no breach is left its auto-rollback is cancelled; once
 * everything is back the alert closes. Returns whether everything in it is back now.
 */
export async function settleAlerts(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  promptId: number,
  settling: { key: string; value?: number | undefined }[],
  now: Date,
): Promise<{ allBack: boolean }> {
  const prompt = await lockAlertPrompt(client, promptId);
  if (!prompt) return { allBack: false };
  const before = membersOf(prompt.payload);
  if (!before) {
    // An alert of one monitor, from before grouping: its auto-rollback is all there is to stop.
    later.disarm.push(...(await cancelAutoRollback(client, prompt.deploymentId, promptId)));
    return { allBack: true };
  }
  const members = settling.reduce((acc, s) => settleMember(acc, s.key, now, s.value), before);
  if (members.every((member, i) => member === before[i])) return { allBack: isAllBack(members) };
  const breached = breachesInTrouble(members).length > 0;
  if (!breached) later.disarm.push(...(await cancelAutoRollback(client, prompt.deploymentId, promptId)));
  await saveAlertGroup(client, promptId, members, breached ? undefined : null);
  const allBack = isAllBack(members);
  // Nothing is left to answer: closed, so the next trouble opens a new alert (and the root stops
  // asking for an answer).
  if (allBack && (await decidePrompt(client, promptId, 'Recovered', 'stagecoach')))
    later.followUps.push({ kind: 'refresh_root', deploymentId: prompt.deploymentId });
  await refreshAlertGroup(client, deps, later, promptId);
  return { allBack };
}

/** A monitor in trouble, as a member of an alert. */
export function monitorMember(
  metric: Metric,
  reading: Reading,
  kind: MonitorMember['kind'],
  since: Date,
  now: Date,
): MonitorMember {
  return {
    key: monitorKey(metric.id),
    source: 'monitor',
    raisedAt: now.toISOString(),
    metricId: metric.id,
    name: metric.name,
    kind,
    unit: metric.unit,
    comparison: metric.comparison,
    threshold: metric.threshold,
    consecutive: metric.consecutive,
    since: since.toISOString(),
    ...(reading.value === undefined ? {} : { value: reading.value }),
    ...(reading.detail === undefined ? {} : { detail: reading.detail }),
  };
}

/** When an auto-rollback would fire for these members: only a breach (never no data), when the plan enables it. */
function autoRollbackFor(deps: DeployDeps, members: AlertMember[], now: Date): Date | undefined {
  const { autoRollback } = deps.plan.monitoring;
  if (!autoRollback.enabled || breachesInTrouble(members).length === 0) return undefined;
  return new Date(now.getTime() + scaledForPeople(deps, autoRollback.grace));
}

async function armAutoRollback(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  alert: { deploymentId: number; promptId: number },
  members: AlertMember[],
) {
  const { deploymentId, promptId } = alert;
  const breached = breachesInTrouble(members).map((m) => (m.source === 'monitor' ? m.metricId : m.key));
  later.arm.push(
    await scheduleTimer(client, deps, {
      deploymentId,
      kind: 'auto_rollback',
      // One per alert at a time; a later one (after the breaches came back) is a new timer.
      key: `auto-rollback-${promptId}-${members.length}`,
      afterMs: deps.plan.monitoring.autoRollback.grace,
      // What the rollback's reason names.
      payload: { promptId, metricId: breached.join(', ') },
      // The grace is a person's time to press [Hold].
      waitsForPeople: true,
    }),
  );
}
