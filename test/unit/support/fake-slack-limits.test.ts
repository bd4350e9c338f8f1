import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { createRateLimiter } from '../../support/fake-slack-limits.js';

const { WebClient, LogLevel } = webApi;

async function call(fake: FakeSlack, method: string, body: Record<string, unknown>) {
  const response = await fetch(`${fake.url}${method}`, {
    method: 'POST',
    headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { ok: boolean; ts?: string; error?: string },
  };
}

describe('fake Slack rate limits', () => {
  let fake: FakeSlack | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('answers 429 with Retry-After once a channel gets more than a short burst of posts', async () => {
    fake = await startFakeSlack({ rateLimits: true });
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push(await call(fake, 'chat.postMessage', { channel: 'C1', text: `${i}` }));

    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[3]).toEqual({ status: 429, retryAfter: '1', body: { ok: false, error: 'ratelimited' } });
    expect(fake.ratelimited).toMatchObject([{ method: 'chat.postMessage', bucket: 'chat.postMessage C1' }]);
    // The refused post was not processed.
    expect(fake.messages('C1')).toHaveLength(3);
    // Another channel has its own allowance.
    expect((await call(fake, 'chat.postMessage', { channel: 'C2', text: 'x' })).status).toBe(200);
  });

  it('holds chat.update to Tier 3 across every message of the workspace', async () => {
    fake = await startFakeSlack({ rateLimits: true });
    const posted = await call(fake, 'chat.postMessage', { channel: 'C1', text: 'root' });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await call(fake, 'chat.update', { channel: 'C1', ts: posted.body.ts, text: `${i}` })).status,
      );
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // 50 a minute: the next token comes 1.2 s after the burst, rounded up as Slack's whole seconds.
    expect(fake.ratelimited[0]?.retryAfterSeconds).toBe(2);
  });

  it('makes the real WebClient wait as Slack asks and then succeed', async () => {
    fake = await startFakeSlack({ rateLimits: true });
    const client = new WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      retryConfig: { retries: 2 },
      logLevel: LogLevel.ERROR,
    });
    const started = Date.now();
    for (let i = 0; i < 4; i++) await client.chat.postMessage({ channel: 'C1', text: `${i}` });

    expect(fake.ratelimited).toHaveLength(1);
    expect(fake.messages('C1').map((m) => m.text)).toEqual(['0', '1', '2', '3']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('limits nothing unless asked, so other tests see no 429', async () => {
    fake = await startFakeSlack();
    for (let i = 0; i < 10; i++) await call(fake, 'chat.postMessage', { channel: 'C1', text: `${i}` });

    expect(fake.ratelimited).toHaveLength(0);
    expect(fake.messages('C1')).toHaveLength(10);
  });

  it('refills each bucket at the published rate', () => {
    let now = 0;
    const limit = createRateLimiter({ now: () => now });
    for (let i = 0; i < 3; i++) expect(limit('pins.add', {})).toBeUndefined();
    expect(limit('pins.add', {})).toEqual({ bucket: 'pins.add', retryAfterSeconds: 3 });
    // Tier 2 is 20 a minute: one more call after 3 s.
    now += 3_000;
    expect(limit('pins.add', {})).toBeUndefined();
    expect(limit('pins.add', {})).toBeDefined();
    // Methods Slack gives no tier (auth.test is "special") pass.
    for (let i = 0; i < 50; i++) expect(limit('auth.test', {})).toBeUndefined();
  });
});
