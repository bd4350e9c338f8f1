import type pg from 'pg';
import { insertNotification } from '../../infra/db/notifications.js';
import type {
  Notification,
  NotificationChannel,
  NotificationMessage,
  NotificationTarget,
} from '../../infra/notify/notification.js';
import type { Notifiers } from '../../infra/notify/notifier.js';
import { targetKey } from '../../infra/notify/target-key.js';
import type { Logger } from '../../log.js';

export interface NotificationInput {
  deploymentId?: number | undefined;
  /** Stable for "the same message": a second enqueue with it is a no-op, across restarts. */
  dedupeKey: string;
  channel: NotificationChannel;
  target: NotificationTarget;
  message: NotificationMessage;
  /** Not before this time; default now. */
  sendAfter?: Date | undefined;
  /** Rows of one group that went stale (see staleAfterMs) are sent as one combined message. */
  collapseGroup?: string | undefined;
  /** How long past sendAfter a row may wait before it counts as stale. */
  staleAfterMs?: number | undefined;
}

const warned = new WeakMap<Notifiers, Set<NotificationChannel>>();

/**
 * Records a notification in the caller's transaction; call `dispatchNotifications` after COMMIT.
 * Returns undefined when the dedupe key already exists, or when `deps` says the channel is not
 * configured (logged once per channel): a missing channel is skipped here, never an error later.
 */
export async function enqueueNotification(
  client: pg.PoolClient | pg.Pool,
  n: NotificationInput,
  deps?: { notifiers?: Notifiers | undefined; log?: Logger | undefined },
): Promise<Notification | undefined> {
  const notifiers = deps?.notifiers;
  if (notifiers && !notifiers[n.channel]) {
    const seen = warned.get(notifiers) ?? new Set();
    if (!seen.has(n.channel)) {
      seen.add(n.channel);
      warned.set(notifiers, seen);
      deps?.log?.info(
        { channel: n.channel },
        `${n.channel} notifications are skipped: the channel is not configured`,
      );
    }
    return undefined;
  }
  return insertNotification(client, { ...n, targetKey: targetKey(n.channel, n.target) });
}
