import { randomUUID } from 'node:crypto';
import { getDeployment } from '../infra/db/deployments.js';
import { hasUndelivered } from '../infra/db/notifications.js';
import { targetKey } from '../infra/notify/target-key.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import type { AnnounceDeps } from './announce-deps.js';
import { dispatchNotifications } from './outbox/dispatch-notifications.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';
import { ensureRoot } from './root.js';

/**
 * Posts a detail in the deployment's thread: directly while the thread has nothing waiting, else
 * (or when Slack fails past the client's retries) through the outbox, behind what waits, so lines
 * of one thread keep their order and a Slack outage delays them instead of losing them.
 */
export async function postInThread(
  deps: AnnounceDeps & Pick<DeployDeps, 'queues'>,
  deploymentId: number,
  message: Message,
): Promise<void> {
  const rootTs = await ensureRoot(deps, deploymentId);
  const deployment = await getDeployment(deps.db, deploymentId);
  if (!deployment) return;
  const target = { channel: deployment.channelId, threadTs: rootTs };
  if (!(await hasUndelivered(deps.db, targetKey('slack', target)))) {
    try {
      await deps.messenger.post(deployment.channelId, message, rootTs);
      return;
    } catch (error) {
      deps.log.warn(
        { err: error, deploymentId },
        'a thread message goes through the outbox after a Slack error',
      );
    }
  }
  const row = await enqueueNotification(deps.db, {
    deploymentId,
    dedupeKey: `thread:${deploymentId}:${randomUUID()}`,
    channel: 'slack',
    target,
    message: { text: message.text, blocks: message.blocks },
  });
  try {
    await dispatchNotifications(deps, [row]);
  } catch (error) {
    // Recorded, so not lost: the reconciler dispatches it once Redis answers again.
    deps.log.warn({ err: error, deploymentId }, 'a thread message waits for Redis');
  }
}
