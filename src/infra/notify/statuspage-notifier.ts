import type { Notification } from './notification.js';
import type { Notifier } from './notifier.js';
import { sendJson } from './send-json.js';
import { statuspageRequest } from './statuspage-request.js';

export interface StatuspageConfig {
  apiUrl: string;
  pageId: string;
  apiKey: string;
}

/** Atlassian Statuspage: opens an incident or scheduled maintenance, then updates it. */
export function statuspageNotifier(config: StatuspageConfig): Notifier {
  const base = config.apiUrl.replace(/\/+$/, '');
  return {
    // A second POST opens a second incident that subscribers are emailed about.
    duplicateSafe: false,
    async send(notification, context) {
      const update = statusPageUpdateOf(notification);
      const call = statuspageRequest(config.pageId, update, context.incidentId);
      const answer = await sendJson(`${base}${call.path}`, {
        method: call.method,
        body: call.body,
        headers: { authorization: `OAuth ${config.apiKey}` },
        signal: context.signal,
      });
      const id = (answer as { id?: unknown } | undefined)?.id;
      return { externalId: typeof id === 'string' ? id : context.incidentId };
    },
  };
}

/** A status page notification without `message.statusPage` becomes an update built from its text. */
export function statusPageUpdateOf(notification: Notification) {
  return (
    notification.message.statusPage ?? {
      name: notification.message.subject ?? notification.message.text.split('\n', 1)[0] ?? 'Stagecoach',
      status: 'investigating' as const,
      body: notification.message.text,
    }
  );
}
