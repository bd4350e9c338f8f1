import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackBodyLimits } from '../../src/infra/slack/guard-bodies.js';
import { type Harness, signingSecret, startHarness, users } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-requests.js';

const KB = 1024;

/** A slash command whose text makes the form body about `size` bytes long. */
function commandBody(size: number): string {
  const fields = (text: string) =>
    new URLSearchParams({
      command: '/deploy',
      text,
      user_id: users.lead,
      channel_id: 'C_DEPLOY',
      team_id: 'T1',
      trigger_id: `oversized-${size}-${Math.random()}`,
      response_url: 'http://127.0.0.1:9/response/x',
    }).toString();
  const base = fields('start v4.0.0 ').length;
  return fields(`start v4.0.0 ${'x'.repeat(Math.max(0, size - base))}`);
}

/**
 * Sends headers and the first `sent` bytes of a body declared (or chunked) larger, then waits without
 * sending the rest: a server that reads the whole body before answering never answers.
 */
function sendPartly(
  url: string,
  options: { headers: Record<string, string>; firstBytes: Buffer; chunked: boolean; declared?: number },
): Promise<{ status: number; text: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (!options.chunked) headers['content-length'] = String(options.declared ?? options.firstBytes.length);
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection });
        req.destroy();
      });
    });
    // The server closing mid-upload is the expected outcome; the response has been read by then.
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.setTimeout(10_000, () => reject(new Error('no answer: the server waited for the rest of the body')));
    req.write(options.firstBytes);
  });
}

describe('request bodies over what Slack sends are refused before they are read', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const events = () => new URL('/slack/events', h.baseUrl).toString();
  const deploymentCount = async () =>
    Number((await h.db.query('SELECT count(*) FROM deployments')).rows[0].count);

  it.each([
    ['signed', true],
    ['unsigned', false],
  ])('a %s command form over 256 KB is answered 413 and nothing starts', async (_label, signed) => {
    const body = commandBody(slackBodyLimits.form + 10 * KB);
    const headers = signed
      ? signSlackRequest(signingSecret, body)
      : { 'content-type': 'application/x-www-form-urlencoded' };
    const reply = await fetch(events(), {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(reply.status).toBe(413);
    expect(await reply.text()).toMatch(/request body over 256 KB/);
    expect(await deploymentCount()).toBe(0);
    expect(h.slack.responses).toEqual([]);
  });

  it('a declared 4 MB body is answered 413 after only its first bytes were sent, and the connection is closed', async () => {
    const reply = await sendPartly(events(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      firstBytes: Buffer.from('command=%2Fdeploy&text=start+v4.0.0'),
      declared: 4 * 1024 * KB,
      chunked: false,
    });
    expect(reply).toMatchObject({ status: 413, connection: 'close' });
  });

  it('a chunked body is cut off at the cap: answered 413 while the client is still sending', async () => {
    const reply = await sendPartly(events(), {
      headers: signSlackRequest(signingSecret, 'unknowable'),
      firstBytes: Buffer.alloc(slackBodyLimits.form + 64 * KB, 'a'),
      chunked: true,
    });
    expect(reply).toMatchObject({ status: 413, connection: 'close' });
    expect(await deploymentCount()).toBe(0);
  });

  it('Events API JSON gets 1 MB: a 300 KB signed event is still read and answered', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A_STAGECOACH',
      event_id: 'Ev-oversized-ok',
      event: { type: 'app_mention', user: users.lead, text: 'x'.repeat(300 * KB), channel: 'C_DEPLOY' },
    });
    const headers = { ...signSlackRequest(signingSecret, body), 'content-type': 'application/json' };
    const reply = await fetch(events(), {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(reply.status).toBe(200);
    const over = JSON.stringify({
      type: 'event_callback',
      event: { text: 'x'.repeat(slackBodyLimits.json) },
    });
    const refused = await fetch(events(), {
      method: 'POST',
      headers: { ...signSlackRequest(signingSecret, over), 'content-type': 'application/json' },
      body: over,
      signal: AbortSignal.timeout(10_000),
    });
    expect(refused.status).toBe(413);
  });

  it('a command just under the cap is still read, verified and answered', async () => {
    const body = commandBody(slackBodyLimits.form - 4 * KB);
    const reply = await fetch(events(), {
      method: 'POST',
      headers: signSlackRequest(signingSecret, body),
      body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(reply.status).toBe(200);
    // `start` with a 250 KB version is refused by the grammar, as any bad command is.
    expect(await reply.text()).toMatch(/Unexpected|version/);
    expect(await deploymentCount()).toBe(0);
  });
});
