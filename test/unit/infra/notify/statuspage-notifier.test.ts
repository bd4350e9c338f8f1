import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../../src/infra/notify/notification.js';
import { NotifyError } from '../../../../src/infra/notify/notify-error.js';
import { statuspageNotifier } from '../../../../src/infra/notify/statuspage-notifier.js';
import { webhookNotifier } from '../../../../src/infra/notify/webhook-notifier.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

const received: Received[] = [];
let answer: { status: number; body?: unknown; headers?: Record<string, string> } = { status: 201 };
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
});

beforeEach(() => {
  received.length = 0;
  answer = { status: 201, body: { id: 'inc123' } };
});

const notification = (message: Notification['message']): Notification => ({
  id: 1,
  deploymentId: 7,
  dedupeKey: 'deployment-7:maintenance',
  channel: 'status_page',
  target: {},
  targetKey: 'status_page',
  message,
  collapseGroup: null,
  staleAfterMs: null,
  sendAfter: new Date('2024-05-01T12:00:00Z'),
  status: 'sending',
  attempts: 0,
  lastError: null,
  claimedAt: null,
  sentAt: null,
  externalId: null,
  collapsedInto: null,
  createdAt: new Date('2024-05-01T12:00:00Z'),
});

const maintenance = notification({
  text: 'Maintenance tonight',
  statusPage: {
    name: 'EHR v4.0.0',
    status: 'scheduled',
    body: 'Maintenance tonight',
    scheduledFor: '2030-01-01T22:00:00.000Z',
    scheduledUntil: '2030-01-02T00:00:00.000Z',
  },
});

describe('the Atlassian Statuspage notifier', () => {
  it('schedules the maintenance with the API key and keeps the incident id', async () => {
    const sp = statuspageNotifier({ apiUrl: `${base}/v1/`, pageId: 'pg1', apiKey: 'sp-key' });
    await expect(sp.send(maintenance, {})).resolves.toEqual({ externalId: 'inc123' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: 'POST',
      url: '/v1/pages/pg1/incidents',
      headers: { authorization: 'OAuth sp-key' },
    });
    expect(received[0]?.body).toEqual({
      incident: {
        name: 'EHR v4.0.0',
        status: 'scheduled',
        body: 'Maintenance tonight',
        scheduled_for: '2030-01-01T22:00:00.000Z',
        scheduled_until: '2030-01-02T00:00:00.000Z',
      },
    });
    // A second POST would open a second incident: never resent blindly after a crash.
    expect(sp.duplicateSafe).toBe(false);
  });

  it('updates the incident an earlier notice opened', async () => {
    answer = { status: 200, body: { id: 'inc123' } };
    const sp = statuspageNotifier({ apiUrl: base, pageId: 'pg1', apiKey: 'sp-key' });
    const started = notification({
      text: 'Started',
      statusPage: {
        name: 'EHR v4.0.0',
        status: 'in_progress',
        body: 'Started',
        incidentKey: 'deployment-7:maintenance',
      },
    });
    await sp.send(started, { incidentId: 'inc123' });
    expect(received[0]).toMatchObject({ method: 'PATCH', url: '/pages/pg1/incidents/inc123' });
  });

  it('reports a rate limit with the wait Statuspage asked for', async () => {
    answer = { status: 420, body: { error: 'rate limited' }, headers: { 'retry-after': '3' } };
    const sp = statuspageNotifier({ apiUrl: base, pageId: 'pg1', apiKey: 'sp-key' });
    const error = await sp.send(maintenance, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).retryAfterSeconds).toBe(3);
  });
});

describe('a webhook notifier', () => {
  it('fails on a non-2xx answer without revealing the secret in the URL path', async () => {
    answer = { status: 500, body: { error: 'boom' } };
    const hook = webhookNotifier(`${base}/hooks/s3cr3t-token`, 'in_app');
    const error = await hook.send(notification({ text: 'hello' }), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as Error).message).toMatch(/HTTP 500/);
    expect((error as Error).message).not.toContain('s3cr3t');
    expect((error as NotifyError).retryAfterSeconds).toBeUndefined();
  });
});
