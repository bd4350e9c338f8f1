import type { Notification } from './notification.js';
import type { Notifier } from './notifier.js';
import { sendJson } from './send-json.js';
import { statusPageUpdateOf } from './statuspage-notifier.js';

/**
 * A JSON POST per notification (the in-app notice, or the status page when Statuspage is not
 * configured). The Idempotency-Key header is the dedupe key, so a receiver can drop a repeat.
 */
export function webhookNotifier(url: string, kind: 'in_app' | 'status_page'): Notifier {
  return {
    duplicateSafe: true,
    async send(notification, context) {
      const body =
        kind === 'status_page'
          ? statusWebhookBody(notification, context.incidentId)
          : inAppBody(notification);
      await sendJson(url, {
        body,
        headers: { 'idempotency-key': notification.dedupeKey },
        signal: context.signal,
      });
      return {};
    },
  };
}

function inAppBody(notification: Notification) {
  const { text, subject, blocks } = notification.message;
  return {
    dedupeKey: notification.dedupeKey,
    deploymentId: notification.deploymentId,
    subject: subject ?? null,
    text,
    ...(blocks ? { blocks } : {}),
    createdAt: notification.createdAt.toISOString(),
  };
}

function statusWebhookBody(notification: Notification, incidentId?: string) {
  const update = statusPageUpdateOf(notification);
  return {
    dedupeKey: notification.dedupeKey,
    deploymentId: notification.deploymentId,
    name: update.name,
    status: update.status,
    body: update.body,
    scheduledFor: update.scheduledFor ?? null,
    scheduledUntil: update.scheduledUntil ?? null,
    impact: update.impact ?? null,
    // Which earlier notification's incident this one moves on; the receiver matches them up.
    incidentKey: update.incidentKey ?? null,
    ...(incidentId ? { incidentId } : {}),
    text: notification.message.text,
  };
}
