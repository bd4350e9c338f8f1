import { webApi } from '@slack/bolt';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';

// @slack/web-api is not a direct dependency; Bolt re-exports it, so this is the client the bot uses.
const { WebClient, ErrorCode } = webApi;

describe('fake Slack', () => {
  let fake: FakeSlack;
  let client: InstanceType<typeof WebClient>;

  beforeEach(async () => {
    fake ??= await startFakeSlack();
    fake.reset();
    client = new WebClient('xoxb-test', { slackApiUrl: fake.url, retryConfig: { retries: 0 } });
  });
  afterAll(() => fake?.close());

  it('records a message posted by the real WebClient, blocks parsed', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*v4.0.0* to production' } }];
    const posted = await client.chat.postMessage({ channel: 'C_DEPLOY', text: 'Deploying v4.0.0', blocks });

    expect(posted.ok).toBe(true);
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(fake.callsOf('chat.postMessage')[0]?.args).toMatchObject({ channel: 'C_DEPLOY', blocks });
    expect(fake.messages('C_DEPLOY')).toEqual([
      { channel: 'C_DEPLOY', ts: posted.ts, text: 'Deploying v4.0.0', blocks, ephemeral: false, updates: 0 },
    ]);
  });

  it('keeps thread replies and ephemeral messages apart from the root', async () => {
    const root = await client.chat.postMessage({ channel: 'C_DEPLOY', text: 'root' });
    const reply = await client.chat.postMessage({
      channel: 'C_DEPLOY',
      text: 'step 1 done',
      thread_ts: root.ts,
    });
    await client.chat.postEphemeral({ channel: 'C_DEPLOY', user: 'U_ALICE', text: 'only you' });

    expect(Number(reply.ts)).toBeGreaterThan(Number(root.ts));
    expect(fake.thread('C_DEPLOY', root.ts as string).map((m) => m.text)).toEqual(['step 1 done']);
    expect(fake.messages().find((m) => m.ephemeral)).toMatchObject({ user: 'U_ALICE', text: 'only you' });
  });

  it('applies chat.update to the stored message and refuses an unknown ts', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C_DEPLOY', text: 'Stage 10%: waiting' });
    await client.chat.update({
      channel: 'C_DEPLOY',
      ts: ts as string,
      text: 'Stage 10%: approved by <@U1>',
      blocks: [],
    });

    expect(fake.messages('C_DEPLOY')[0]).toMatchObject({ text: 'Stage 10%: approved by <@U1>', updates: 1 });
    await expect(
      client.chat.update({ channel: 'C_DEPLOY', ts: '1.000000', text: 'x' }),
    ).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { error: 'message_not_found' },
    });
  });

  it('answers 429 with Retry-After once after failNext, then serves again', async () => {
    const strict = new WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    fake.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 7 });

    await expect(strict.chat.postMessage({ channel: 'C_DEPLOY', text: 'hi' })).rejects.toMatchObject({
      code: ErrorCode.RateLimitedError,
      retryAfter: 7,
    });
    expect(fake.calls).toEqual([]);
    expect(fake.rejected.map((c) => c.method)).toEqual(['chat.postMessage']);
    await expect(strict.chat.postMessage({ channel: 'C_DEPLOY', text: 'hi' })).resolves.toMatchObject({
      ok: true,
    });
  });

  it('answers 500 as often as asked', async () => {
    fake.failNext('chat.update', { status: 500, times: 2 });
    const call = () => client.chat.update({ channel: 'C', ts: '1', text: 'x' });

    await expect(call()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    await expect(call()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    await expect(call()).rejects.toMatchObject({ data: { error: 'message_not_found' } });
  });

  it('refuses a call without a bearer token', async () => {
    const response = await fetch(`${fake.url}auth.test`, { method: 'POST' });

    expect(await response.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('records what respond() posts to a response url', async () => {
    const url = fake.responseUrl('trigger-1');
    await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ text: 'Queued', response_type: 'ephemeral' }),
    });

    const response = await fake.waitFor(() => fake.responses.find((r) => r.url === url));
    expect(response.body).toEqual({ text: 'Queued', response_type: 'ephemeral' });
  });

  it('names what it waited for and the recent calls when waitFor times out', async () => {
    await client.auth.test();

    await expect(fake.waitFor(() => false, { timeoutMs: 50, label: 'the root message' })).rejects.toThrow(
      /the root message[\s\S]*auth\.test/,
    );
  });
});
