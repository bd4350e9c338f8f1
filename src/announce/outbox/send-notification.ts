import {
  abandonNotification,
  claimCollapseGroup,
  claimNotification,
  getNotification,
  getNotificationByKey,
  hasEarlierOpen,
  listCollapsedWith,
  markNotificationFailed,
  markNotificationSent,
  releaseNotification,
} from '../../infra/db/notifications.js';
import { inTransaction } from '../../infra/db/pool.js';
import { notifiersOf } from '../../infra/notify/create-notifiers.js';
import type { Notification, SlackTarget } from '../../infra/notify/notification.js';
import { retryAfterSeconds } from '../../infra/notify/retry-after.js';
import { SlackBusyError } from '../../infra/slack/pace-slack-calls.js';
import type { DeployDeps } from '../../ports.js';
import { ensureRoot } from '../root.js';
import { collapsedMessage } from './collapse-message.js';
import { sendAttempts } from './dispatch-notifications.js';
import { promptRefreshReadiness, refreshedPromptOf, resolvePromptRefresh } from './prompt-refresh.js';

export type SendResult =
  | { outcome: 'sent' | 'collapsed'; count: number }
  | { outcome: 'stale' | 'failed' | 'unconfigured' }
  | {
      outcome: 'wait';
      until: Date;
      reason: 'not_due' | 'earlier_pending' | 'rate_limited' | 'prompt_unposted';
    };

/**
 * How long a paced Slack post waits for its channel's turn: briefly when sent right after a commit
 * (a step or a click is on that code path), longer in the queue's worker; past that the job is
 * delayed until the channel is likely free instead of holding one of the worker's slots.
 */
export const postWaitMs = { inline: 2_000, queued: 10_000 } as const;

/** How often a notification behind an earlier one of its target looks again. */
const turnPollMs = 250;
/** How often an edit of a prompt that is not in Slack yet looks again. */
const promptPostPollMs = 500;
/** Delayed jobs fire "at least" their delay; one a hair early is sent, not re-delayed. */
const earlyToleranceMs = 50;

/** Whether a row waited past its stale_after_ms: it may then be folded into a combined message. */
export function isStale(row: Pick<Notification, 'sendAfter' | 'staleAfterMs'>, now: Date): boolean {
  return row.staleAfterMs !== null && now.getTime() - row.sendAfter.getTime() > row.staleAfterMs;
}

/**
 * Delivers one outbox row, exactly once: the row is re-read and claimed (pending → sending), so
 * a repeated or late job does nothing. It waits its turn behind an earlier undelivered row of
 * the same target; a stale row of a collapse group takes every stale row of the group with it
 * into one combined message. A failed send goes back to pending and the error is rethrown for
 * BullMQ's backoff; a rate limit returns `wait` for the Retry-After without using an attempt.
 */
export async function sendNotification(
  deps: DeployDeps,
  id: number,
  signal?: AbortSignal,
  /** How long a paced Slack post may wait for its channel's turn before it is queued instead. */
  options: { maxWaitMs?: number } = {},
): Promise<SendResult> {
  const row = await getNotification(deps.db, id);
  if (row?.status !== 'pending') return { outcome: 'stale' };
  const now = deps.clock();
  if (row.sendAfter.getTime() - now.getTime() > earlyToleranceMs) {
    return { outcome: 'wait', until: row.sendAfter, reason: 'not_due' };
  }
  const collapsing = row.collapseGroup !== null && isStale(row, now) ? row.collapseGroup : undefined;
  if (await hasEarlierOpen(deps.db, row, now, collapsing)) {
    return { outcome: 'wait', until: new Date(now.getTime() + turnPollMs), reason: 'earlier_pending' };
  }
  const refreshed = refreshedPromptOf(row);
  if (refreshed !== undefined) {
    const readiness = await promptRefreshReadiness(deps, refreshed);
    if (readiness === 'unposted')
      return {
        outcome: 'wait',
        until: new Date(now.getTime() + promptPostPollMs),
        reason: 'prompt_unposted',
      };
    if (readiness === 'gone') {
      await abandonNotification(deps.db, id, 'the prompt it edits is gone');
      return { outcome: 'stale' };
    }
  }
  const claimed = collapsing
    ? await inTransaction(deps.db, (client) => claimCollapseGroup(client, row, now))
    : await claimNotification(deps.db, id);
  if (!claimed) return { outcome: 'stale' };

  const log = deps.log.child({
    notificationId: id,
    channel: row.channel,
    deploymentId: row.deploymentId ?? undefined,
  });
  const notifier = notifiersOf(deps)[row.channel];
  if (!notifier) {
    // Configuration changed since it was recorded: not an error worth retrying.
    await abandonNotification(deps.db, id, `no ${row.channel} channel is configured`);
    log.warn('notification dropped: its channel is no longer configured');
    return { outcome: 'unconfigured' };
  }
  const members = collapsing ? await listCollapsedWith(deps.db, id) : [claimed];
  const outgoing = members.length > 1 ? combine(claimed, members) : claimed;
  try {
    const incidentId = await incidentIdFor(deps, claimed);
    const githubDeploymentId = await gitHubDeploymentIdFor(deps, claimed);
    const resolved =
      refreshed === undefined
        ? await resolveThread(deps, outgoing)
        : await resolvePromptRefresh(deps, outgoing, refreshed);
    const { externalId } = await notifier.send(resolved, {
      signal,
      incidentId,
      githubDeploymentId,
      maxWaitMs: options.maxWaitMs,
    });
    await markNotificationSent(deps.db, id, externalId);
    log.info(
      { count: members.length },
      members.length > 1 ? 'stale notifications sent as one' : 'notification sent',
    );
    return { outcome: members.length > 1 ? 'collapsed' : 'sent', count: members.length };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const retryAfter = retryAfterSeconds(error);
    if (retryAfter !== undefined) {
      await releaseNotification(deps.db, id, reason);
      // Our own pacing saying "not yet" is the plan working, not a warning.
      if (error instanceof SlackBusyError)
        log.debug({ retryAfterSeconds: retryAfter }, 'notification waits for its channel turn');
      else log.warn({ retryAfterSeconds: retryAfter }, 'notification rate limited: waiting as asked');
      return {
        outcome: 'wait',
        until: new Date(deps.clock().getTime() + Math.max(retryAfter * 1000, 500)),
        reason: 'rate_limited',
      };
    }
    const status = await markNotificationFailed(deps.db, id, reason, sendAttempts);
    if (status === 'failed') {
      log.error({ err: error }, `notification given up after ${sendAttempts} attempts`);
      return { outcome: 'failed' };
    }
    throw error;
  }
}

/** The representative row carrying the combined text; the newest status page state wins. */
function combine(representative: Notification, members: Notification[]): Notification {
  const message = collapsedMessage(members.map((m) => ({ text: m.message.text, sendAfter: m.sendAfter })));
  const newest = members.at(-1)?.message.statusPage;
  return { ...representative, message: newest ? { ...message, statusPage: newest } : message };
}

/** A GitHub deployment status: the id GitHub gave the deployment its `create` made (sent first, same sequence). */
async function gitHubDeploymentIdFor(
  deps: Pick<DeployDeps, 'db'>,
  row: Notification,
): Promise<string | undefined> {
  const event = row.channel === 'github' ? row.message.github : undefined;
  if (event?.action !== 'status') return undefined;
  const opener = await getNotificationByKey(deps.db, event.createKey);
  return opener?.status === 'sent' ? (opener.externalId ?? undefined) : undefined;
}

/** A status page update of an incident an earlier notification opened: that incident's id. */
async function incidentIdFor(deps: Pick<DeployDeps, 'db'>, row: Notification): Promise<string | undefined> {
  const key = row.channel === 'status_page' ? row.message.statusPage?.incidentKey : undefined;
  if (!key) return undefined;
  const opener = await getNotificationByKey(deps.db, key);
  return opener?.status === 'sent' ? (opener.externalId ?? undefined) : undefined;
}

/**
 * A line for a deployment's thread learns the thread's ts when sent (the root is posted first if
 * need be); a line that replaces an earlier one learns that message's ts, so it is an edit.
 */
async function resolveThread(deps: DeployDeps, row: Notification): Promise<Notification> {
  const target = row.target as SlackTarget;
  if (row.channel !== 'slack') return row;
  const resolved: SlackTarget = { channel: target.channel };
  if (typeof target.deploymentThread === 'number') {
    resolved.threadTs = await ensureRoot(deps, target.deploymentThread);
  } else if (target.threadTs) {
    resolved.threadTs = target.threadTs;
  }
  if (typeof target.linkThreadOf === 'number') {
    resolved.linkTs = await ensureRoot(deps, target.linkThreadOf);
  }
  if (target.replaces) {
    // Same thread, so it was delivered first (or gave up): edit it if it reached Slack.
    const original = await getNotificationByKey(deps.db, target.replaces);
    if (original?.status === 'sent' && original.externalId) resolved.updateTs = original.externalId;
  }
  return { ...row, target: resolved };
}
