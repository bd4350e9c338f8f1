import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PagerDutyEventSeen {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: { summary: string; source: string; severity: string; custom_details?: Record<string, unknown> };
}

/**
 * PagerDuty's Events API v2 (`POST /v2/enqueue`) as its public document describes it: 202
 * {status, message, dedup_key} for a valid event, 400 {status: 'invalid event', errors} for a
 * malformed one, and 429 when told to (`rateLimitNext`). Incidents are kept by dedup_key.
 */
export async function startFakePagerDuty(routingKey: string) {
  const events: PagerDutyEventSeen[] = [];
  const incidents = new Map<string, 'triggered' | 'resolved'>();
  let rateLimited = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const answer = (status: number, json: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(json));
      };
      if (request.method !== 'POST' || request.url !== '/v2/enqueue')
        return answer(404, { status: 'not found' });
      if (rateLimited > 0) {
        rateLimited--;
        return answer(429, {
          status: 'throttle event',
          message: 'Requests for this service are arriving too quickly.',
        });
      }
      let event: PagerDutyEventSeen;
      try {
        event = JSON.parse(body) as PagerDutyEventSeen;
      } catch {
        return answer(400, {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: ['bad JSON'],
        });
      }
      const errors: string[] = [];
      if (event.routing_key !== routingKey) errors.push("'routing_key' is invalid");
      if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action))
        errors.push("'event_action' is invalid");
      if (event.event_action !== 'trigger' && !event.dedup_key) errors.push("'dedup_key' is missing");
      if (event.event_action === 'trigger') {
        const payload = event.payload;
        if (
          !payload?.summary ||
          !payload.source ||
          !['critical', 'error', 'warning', 'info'].includes(payload.severity)
        )
          errors.push("'payload' needs summary, source and a valid severity");
      }
      if (errors.length > 0)
        return answer(400, { status: 'invalid event', message: 'Event object is invalid', errors });
      events.push(event);
      const key = event.dedup_key ?? `generated-${events.length}`;
      if (event.event_action === 'trigger') incidents.set(key, 'triggered');
      if (event.event_action === 'resolve' && incidents.has(key)) incidents.set(key, 'resolved');
      return answer(202, { status: 'success', message: 'Event processed', dedup_key: key });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v2/enqueue`,
    events,
    incidents,
    rateLimitNext(times: number) {
      rateLimited = times;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
