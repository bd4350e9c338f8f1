import type { Notifier } from './notifier.js';
import { sendJson } from './send-json.js';

/**
 * PagerDuty's Events API v2: one POST per event, answered 202. The event's dedup_key is the
 * page's (deployment and cause), so PagerDuty itself folds a repeat into the same incident:
 * sending twice is harmless. A 429 or 5xx throws and the outbox retries it with backoff.
 */
export function pagerDutyNotifier(config: { routingKey: string; eventsUrl: string }): Notifier {
  return {
    duplicateSafe: true,
    async send(notification, context) {
      const event = notification.message.pagerduty;
      if (!event) throw new Error('a pagerduty notification without an event');
      await sendJson(config.eventsUrl, {
        signal: context.signal,
        body:
          event.action === 'resolve'
            ? { routing_key: config.routingKey, event_action: 'resolve', dedup_key: event.dedupKey }
            : {
                routing_key: config.routingKey,
                event_action: 'trigger',
                dedup_key: event.dedupKey,
                payload: {
                  summary: event.summary.slice(0, 1024),
                  source: event.source,
                  severity: event.severity,
                  component: 'stagecoach',
                  ...(event.details ? { custom_details: event.details } : {}),
                },
              },
      });
      return { externalId: event.dedupKey };
    },
  };
}
