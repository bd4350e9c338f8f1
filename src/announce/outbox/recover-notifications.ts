import {
  abandonNotification,
  listPendingNotifications,
  listStuckSending,
  markNotificationSent,
  requeueStuckNotification,
} from '../../infra/db/notifications.js';
import { notifiersOf } from '../../infra/notify/create-notifiers.js';
import { jobIds } from '../../infra/queue/queues.js';
import type { DeployDeps } from '../../ports.js';
import { dispatchNotifications } from './dispatch-notifications.js';

/** Longer than any single send (HTTP 10 s, SMTP 30 s idle), so a row this old lost its sender. */
export const stuckAfterMs = 60_000;

export interface RecoveredNotifications {
  /** Stuck rows whose receiver had already answered: marked sent, not resent. */
  confirmed: number;
  resent: number;
  /** Stuck rows given up because a resend would be a visible duplicate. */
  abandoned: number;
  redispatched: number;
}

/**
 * Rebuilds the outbox's jobs from Postgres; safe to run any time (the reconciler runs it).
 *
 * A row stuck in 'sending' for over a minute, whose job is no longer active, was cut off by a
 * crash somewhere between the claim and the receiver's answer. The rule:
 * - an external id is already recorded (the receiver answered): mark it sent, send nothing;
 * - the channel's notifier is duplicate-safe (Slack, where a repeat is noise but a loss is a
 *   missed reminder; email, whose Message-ID is fixed; webhooks, which get an Idempotency-Key):
 *   back to pending, to be sent again;
 * - otherwise (the Statuspage API, where a second POST opens a second incident and emails the
 *   subscribers): marked failed and logged, for a person to check the status page.
 * Then every pending row whose job Redis lost, or whose job already finished, is dispatched again.
 */
export async function recoverNotifications(
  deps: Pick<DeployDeps, 'db' | 'queues' | 'clock' | 'log' | 'notifiers' | 'messenger'>,
): Promise<RecoveredNotifications> {
  const result: RecoveredNotifications = { confirmed: 0, resent: 0, abandoned: 0, redispatched: 0 };
  const claimedBefore = new Date(deps.clock().getTime() - stuckAfterMs);
  const notifiers = notifiersOf(deps);
  for (const row of await listStuckSending(deps.db, claimedBefore)) {
    // Still in a worker (say, a long rate-limit wait inside the Slack client): not stuck.
    if ((await jobState(deps, row.id)) === 'active') continue;
    if (row.externalId) {
      if (await markNotificationSent(deps.db, row.id)) result.confirmed++;
    } else if (notifiers[row.channel]?.duplicateSafe) {
      if (await requeueStuckNotification(deps.db, row.id, claimedBefore)) result.resent++;
    } else if (
      await abandonNotification(deps.db, row.id, 'interrupted while sending: not resent, check the receiver')
    ) {
      result.abandoned++;
      deps.log.warn(
        { notificationId: row.id, channel: row.channel },
        'notification interrupted mid-send and not resent',
      );
    }
  }
  for (const row of await listPendingNotifications(deps.db)) {
    const state = await jobState(deps, row.id);
    if (state !== undefined && state !== 'completed' && state !== 'failed') continue;
    // A finished job keeps its id for a day; it must go before the same id can be added again.
    if (state !== undefined)
      await deps.queues.notify.remove(jobIds.notification(row.id)).catch(() => undefined);
    await dispatchNotifications(deps, [row]);
    result.redispatched++;
  }
  if (result.confirmed + result.resent + result.abandoned + result.redispatched > 0) {
    deps.log.info(result, 'recovered notifications from Postgres');
  }
  return result;
}

async function jobState(deps: Pick<DeployDeps, 'queues'>, id: number): Promise<string | undefined> {
  const job = await deps.queues.notify.getJob(jobIds.notification(id));
  if (!job) return undefined;
  const state = await job.getState();
  return state === 'unknown' ? undefined : state;
}
