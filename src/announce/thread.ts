import { randomUUID } from 'node:crypto';
import type { AfterCommit } from '../deploy/intents.js';
import { getDeployment } from '../infra/db/deployments.js';
import type { DbClient } from '../infra/db/pool.js';
import type { Notification } from '../infra/notify/notification.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import { labelDryRun } from './blocks/dry-run.js';
import { dispatchNotifications } from './outbox/dispatch-notifications.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';
import { postWaitMs, sendNotification } from './outbox/send-notification.js';

/**
 * Thread lines and channel posts are outbox rows: stored first (in the caller's transaction when
 * there is one), then delivered in order. The row is the message's durable copy: a crash after
 * COMMIT leaves it to the reconciler, a Slack outage to the queue's retries, and its dedupe key
 * keeps a repeat from posting twice.
 */
async function recordPost(
  db: DbClient,
  deploymentId: number,
  target: { channel: string; deploymentThread?: number; replaces?: string; linkThreadOf?: number },
  message: Message,
  dedupeKey = `post:${deploymentId}:${randomUUID()}`,
) {
  // Every line of a dry run says so, pages included (they go to the deployment channel only).
  if ((await getDeployment(db, deploymentId))?.dryRun) message = labelDryRun(message);
  return enqueueNotification(db, {
    deploymentId,
    dedupeKey,
    channel: 'slack',
    target,
    message: { text: message.text, blocks: message.blocks },
  });
}

/** Records a line for the deployment's thread in the caller's transaction, to deliver after COMMIT. */
export async function noteInThread(
  client: DbClient,
  later: Pick<AfterCommit, 'followUps'>,
  deploymentId: number,
  message: Message,
): Promise<void> {
  const deployment = await getDeployment(client, deploymentId);
  if (!deployment) return;
  const row = await recordPost(
    client,
    deploymentId,
    { channel: deployment.channelId, deploymentThread: deploymentId },
    message,
  );
  if (row) later.followUps.push({ kind: 'thread_note', deploymentId, message, notificationId: row.id });
}

/** Records a top-level post in a channel (a page must not hide in a thread), to deliver after COMMIT. */
export async function postInChannel(
  client: DbClient,
  later: Pick<AfterCommit, 'followUps'>,
  deploymentId: number,
  channel: string,
  message: Message,
): Promise<void> {
  const row = await recordPost(client, deploymentId, { channel }, message);
  if (row) later.followUps.push({ kind: 'channel_post', channel, message, notificationId: row.id });
}

/**
 * A thread line outside any transaction (a step started): stored, then delivered. With `key`, a
 * later `replaceInThread` with the same key edits this message instead of adding another.
 */
export async function postInThread(
  deps: DeployDeps,
  deploymentId: number,
  message: Message,
  key?: string,
): Promise<void> {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (!deployment) return;
  const row = await recordPost(
    deps.db,
    deploymentId,
    { channel: deployment.channelId, deploymentThread: deploymentId },
    message,
    key,
  );
  if (row) await deliverNow(deps, row);
}

/**
 * Replaces the thread line posted with `key`, in the caller's transaction: one message per step,
 * edited from started to done. Still unsent, the stored line is rewritten (Slack sees only the
 * final text); sent, an edit follows it in the thread's order; never recorded, it is posted.
 */
export async function replaceInThread(
  client: DbClient,
  later: Pick<AfterCommit, 'followUps'>,
  deploymentId: number,
  key: string,
  message: Message,
): Promise<void> {
  const deployment = await getDeployment(client, deploymentId);
  if (!deployment) return;
  await postOrReplace(
    client,
    later,
    deploymentId,
    key,
    { channel: deployment.channelId, deploymentThread: deploymentId },
    message,
  );
}

/**
 * Posts `message` under `key`, or, when a message with that key was recorded before, replaces it
 * in place (one message per cause: a page that escalates, then says it is resolved).
 */
export async function postOrReplace(
  client: DbClient,
  later: Pick<AfterCommit, 'followUps'>,
  deploymentId: number,
  key: string,
  target: { channel: string; deploymentThread?: number; linkThreadOf?: number },
  message: Message,
): Promise<void> {
  const deployment = await getDeployment(client, deploymentId);
  const shown = deployment?.dryRun ? labelDryRun(message) : message;
  const rewritten = await client.query(
    `UPDATE notifications SET message = $2::jsonb WHERE dedupe_key = $1 AND status = 'pending' RETURNING id`,
    [key, JSON.stringify({ text: shown.text, blocks: shown.blocks })],
  );
  if (rewritten.rowCount) return;
  const recorded = await client.query('SELECT 1 FROM notifications WHERE dedupe_key = $1', [key]);
  const row = recorded.rowCount
    ? await recordPost(client, deploymentId, { ...target, replaces: key }, message)
    : await recordPost(client, deploymentId, target, message, key);
  if (!row) return;
  later.followUps.push(
    target.deploymentThread === undefined
      ? { kind: 'channel_post', channel: target.channel, message, notificationId: row.id }
      : { kind: 'thread_note', deploymentId, message, notificationId: row.id },
  );
}

/**
 * Delivers a recorded post at once when it is its turn, so a click sees its answer in the thread
 * without a queue round trip; otherwise (a backlog, Slack failing) the queue delivers it behind
 * what waits, in order. Never throws: the row is already safe.
 */
export async function deliverNow(
  deps: DeployDeps,
  row: Pick<Notification, 'id' | 'sendAfter'>,
): Promise<void> {
  try {
    const result = await sendNotification(deps, row.id, undefined, { maxWaitMs: postWaitMs.inline });
    if (result.outcome !== 'wait') return;
  } catch (error) {
    deps.log.warn(
      { err: error, notificationId: row.id },
      'a post goes through the queue after a Slack error',
    );
  }
  try {
    await dispatchNotifications(deps, [row]);
  } catch (error) {
    // Recorded, so not lost: the reconciler dispatches it once Redis answers again.
    deps.log.warn({ err: error, notificationId: row.id }, 'a post waits for Redis');
  }
}
