import type { Notification } from '../../infra/notify/notification.js';
import { jobIds } from '../../infra/queue/queues.js';
import type { DeployDeps } from '../../ports.js';

/** Up to about two minutes of retries (1 s, 2 s, 4 s … 64 s) before a notification is given up. */
export const sendAttempts = 8;

/**
 * Puts a delayed BullMQ job behind each recorded notification; call after COMMIT. The job id
 * makes a repeat a no-op; a lost call is redone by `recoverNotifications`.
 */
export async function dispatchNotifications(
  deps: Pick<DeployDeps, 'queues' | 'clock'>,
  notifications: (Pick<Notification, 'id' | 'sendAfter'> | undefined)[],
): Promise<void> {
  for (const notification of notifications) {
    if (!notification) continue;
    await deps.queues.notify.add(
      'send-notification',
      { notificationId: notification.id },
      {
        jobId: jobIds.notification(notification.id),
        delay: Math.max(0, notification.sendAfter.getTime() - deps.clock().getTime()),
        attempts: sendAttempts,
        backoff: { type: 'exponential', delay: 1_000 },
      },
    );
  }
}
