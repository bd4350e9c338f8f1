import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { createSlackClient, signSlackRequest } from '../../support/slack-requests.js';

const signingSecret = 'test-signing-secret';

// The helpers are only useful if real Bolt accepts what they send, so they are tested against it.
describe('signed Slack requests', () => {
  let fake: FakeSlack;
  let server: Server;
  let slack: ReturnType<typeof createSlackClient>;
  const clicks: unknown[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    // processBeforeResponse: the HTTP reply comes back only after the listener has finished.
    const receiver = new HTTPReceiver({
      signingSecret,
      processBeforeResponse: true,
      logLevel: LogLevel.ERROR,
    });
    const app = new App({
      token: 'xoxb-test',
      receiver,
      deferInitialization: true,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    app.command('/deploy', async ({ ack, command, respond }) => {
      await ack({ response_type: 'ephemeral', text: `heard "${command.text}" from ${command.user_id}` });
      await respond({ text: 'queued' });
    });
    app.action('deploy_approve', async ({ ack, body }) => {
      await ack();
      clicks.push(body);
    });
    await app.init();
    server = createServer(receiver.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    slack = createSlackClient({ baseUrl, signingSecret, responseUrl: fake.responseUrl });
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await fake?.close();
  });

  it('delivers a slash command whose ack body and respond() come back', async () => {
    const reply = await slack.command('start v4.0.0 to production', { user: 'U_ALICE', triggerId: 'trig-1' });

    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      response_type: 'ephemeral',
      text: 'heard "start v4.0.0 to production" from U_ALICE',
    });
    expect(fake.responses).toEqual([
      expect.objectContaining({ url: fake.responseUrl('trig-1'), body: { text: 'queued' } }),
    ]);
  });

  it('delivers a button click with its value and message', async () => {
    const reply = await slack.action('deploy_approve', 'dep-42', {
      user: 'U_BOB',
      messageTs: '1700000000.000100',
    });

    expect(reply.status).toBe(200);
    expect(clicks.at(-1)).toMatchObject({
      type: 'block_actions',
      user: { id: 'U_BOB' },
      channel: { id: 'C_DEPLOY' },
      message: { ts: '1700000000.000100' },
      actions: [{ action_id: 'deploy_approve', value: 'dep-42' }],
    });
  });

  it('is refused by Bolt when stale or forged', async () => {
    const body = 'command=%2Fdeploy&text=help';
    const stale = signSlackRequest(signingSecret, body, Math.floor(Date.now() / 1000) - 600);
    const forged = signSlackRequest('not-the-secret', body);

    expect((await slack.raw(body, stale)).status).toBe(401);
    expect((await slack.raw(body, forged)).status).toBe(401);
  });
});
