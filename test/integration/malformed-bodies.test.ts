import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, signingSecret, startHarness, users } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-requests.js';

/** Sent as Slack would, with a deadline: an unanswered request fails the test instead of hanging it. */
async function post(h: Harness, body: string, headers: Record<string, string>) {
  const response = await fetch(new URL('/slack/events', h.baseUrl), {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: response.status, text: await response.text() };
}

const signed = (body: string, contentType?: string) => {
  const headers = signSlackRequest(signingSecret, body);
  if (contentType) headers['content-type'] = contentType;
  return headers;
};

describe('signed requests whose body is not a JSON object', () => {
  let h: Harness;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    h = await startHarness();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await h?.close();
  });

  it.each([
    ['an interaction payload=null', 'payload=null', undefined],
    ['a JSON body null', 'null', 'application/json'],
    ['an interaction payload=42', 'payload=42', undefined],
    ['an interaction payload="x"', `payload=${encodeURIComponent('"x"')}`, undefined],
    ['an interaction payload=[]', `payload=${encodeURIComponent('[]')}`, undefined],
    ['a JSON body that is a number', '7', 'application/json'],
    ['a JSON body that is an array', '[{"type":"block_actions"}]', 'application/json'],
    ['a JSON body that is a string', '"event_callback"', 'application/json'],
  ])('answers %s with a 400 at once', async (_name, body, contentType) => {
    const reply = await post(h, body, signed(body, contentType));
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/not a JSON object/);
  });

  const action = { type: 'button', action_id: 'stage_promote', block_id: 'b', value: '1', action_ts: '1.2' };
  const interaction = {
    type: 'block_actions',
    user: { id: users.lead, team_id: 'T1' },
    team: { id: 'T1' },
    channel: { id: 'C_DEPLOY' },
    actions: [action],
    trigger_id: 'malformed-shape',
  };
  it.each([
    ['"user": null', { ...interaction, user: null }],
    ['"channel": null', { ...interaction, channel: null }],
    ['"actions" that is not an array', { ...interaction, actions: { 0: action } }],
  ])('answers an interaction with %s with a 400, not a 500', async (_name, payload) => {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const reply = await post(h, body, signed(body));
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/malformed Slack payload/);
  });

  it('still answers 401 to a forged payload=null: the signature is checked first', async () => {
    const forged = await post(h, 'payload=null', signSlackRequest('not-the-secret', 'payload=null'));
    const stale = await post(
      h,
      'null',
      signSlackRequest(signingSecret, 'null', Math.floor(Date.now() / 1000) - 6 * 60),
    );
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
  });

  it('changes nothing and keeps serving', async () => {
    const status = await h.client.command('status', { user: users.stranger });
    expect(status.status).toBe(200);
    const deployments = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM deployments');
    expect(deployments.rows[0]?.n).toBe(0);
    expect(h.slack.callsOf('chat.postMessage')).toHaveLength(0);
    expect(await h.workspace.invocations()).toEqual([]);
    expect(unhandled.map(String)).toEqual([]);
  });
});
