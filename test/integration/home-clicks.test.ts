import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];

/**
 * A click in the App Home ("Needs you") comes with no response_url: Slack gives the app nowhere
 * to answer privately. A refusal must still reach the person, in the app's direct messages.
 */
describe('buttons clicked in the App Home', () => {
  let h: Harness;
  let goNoGo: Button;
  beforeAll(async () => {
    h = await startHarness({ env: { TIME_SCALE: '60', REHEARSAL_DECISION_SCALE: '1' } });
    await h.client.command('start v4.0.0', { user: users.lead });
    const prompt = await waitUntil(
      () =>
        h.slack
          .messages('C_DEPLOY')
          .find((m) => buttonsOf(m).some((button) => button.action_id === 'gonogo_proceed')),
      { timeoutMs: 30_000, label: 'the go/no-go prompt' },
    );
    goNoGo = buttonsOf(prompt).find((button) => button.action_id === 'gonogo_proceed') as Button;
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('tells a person who may not decide why, in a direct message, and changes nothing', async () => {
    const reply = await h.client.action('gonogo_proceed', goNoGo.value, {
      user: users.stranger,
      fromHome: true,
    });
    expect(reply.status).toBe(200);
    const told = await waitUntil(
      () => h.slack.callsOf('chat.postMessage').find((call) => call.args.channel === users.stranger),
      { label: 'a direct message to the stranger' },
    );
    expect(String(told.args.text)).toMatch(/Deployment Lead/);
    expect(String(told.args.text)).not.toMatch(/Error|at .*\.ts:\d+/);
    const prompt = await h.db.query('SELECT status FROM prompts WHERE id = $1', [Number(goNoGo.value)]);
    expect(prompt.rows[0]?.status).toBe('open');
  });

  it('decides for a person who may, with no direct message: the prompt shows who decided', async () => {
    await h.client.action('gonogo_proceed', goNoGo.value, { user: users.lead, fromHome: true });
    await waitUntil(
      async () =>
        (await h.db.query('SELECT status FROM prompts WHERE id = $1', [Number(goNoGo.value)])).rows[0]
          ?.status === 'decided',
      { label: 'the go/no-go to be decided' },
    );
    await h.outboxDrained();
    expect(h.slack.callsOf('chat.postMessage').filter((call) => call.args.channel === users.lead)).toEqual(
      [],
    );
    // A second click from the Home tab is told it was already decided, privately.
    await h.client.action('gonogo_proceed', goNoGo.value, { user: users.lead, fromHome: true });
    const told = await waitUntil(
      () => h.slack.callsOf('chat.postMessage').find((call) => call.args.channel === users.lead),
      { label: 'a direct message to the lead' },
    );
    expect(String(told.args.text)).toMatch(/[Aa]lready decided/);
  });
});
