import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];

/**
 * Issue #16: how much a full rehearsal (10% → 50% → 100% → declared complete) says in the
 * deployment channel. Before #16: 60 thread replies, 62 root edits, 20 private replies.
 */
describe('a full rehearsal in the channel', () => {
  let h: Harness;
  const counts = { threadReplies: 0, rootEdits: 0, privateReplies: 0, channelPosts: 0 };
  beforeAll(async () => {
    h = await startHarness({ env: { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' } });
    const rootTs = async () => (await h.deployment(1))?.rootTs as string;
    const thread = async () => h.slack.thread('C_DEPLOY', await rootTs());
    const click = async (actionId: string, user: string) => {
      const prompt = await waitUntil(
        async () => (await thread()).find((m) => buttonsOf(m).some((b) => b.action_id === actionId)),
        { label: `a prompt with ${actionId}` },
      );
      const button = buttonsOf(prompt).find((b) => b.action_id === actionId) as Button;
      await h.client.action(actionId, button.value, { user, messageTs: prompt.ts });
    };
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    await click('gonogo_proceed', users.lead);
    await h.waitForState(1, 'awaiting_promotion', 20_000);
    // A person who does not follow the channel sees it in their App Home, refreshed for them.
    const homeShows = (user: string, actionId: string) =>
      waitUntil(
        () =>
          h.slack
            .callsOf('views.publish')
            .some(
              (call) =>
                call.args.user_id === user && JSON.stringify(call.args.view).includes(`"${actionId}"`),
            ),
        { label: `the App Home of ${user} to offer ${actionId}` },
      );
    await homeShows(users.lead, 'stage_promote');
    await click('stage_promote', users.lead);
    await waitUntil(async () => (await h.deployment(1))?.currentPercent === 50, { label: '50%' });
    await h.waitForState(1, 'awaiting_promotion', 20_000);
    await click('stage_promote', users.lead);
    await h.waitForState(1, 'success_window', 20_000);
    await homeShows(users.project, 'deploy_declare_complete');
    await click('deploy_declare_complete', users.project);
    await h.waitForState(1, 'completed');
    await h.outboxDrained();
    const ts = await rootTs();
    // The root message is re-rendered within a couple of seconds of the last change (coalesced).
    await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => m.ts === ts && m.text.endsWith('Completed')),
      {
        label: 'the root message to say Completed',
      },
    );
    const root = h.slack.messages('C_DEPLOY').find((m) => m.ts === ts);
    const replies = await thread();
    counts.threadReplies = replies.filter((m) => !m.ephemeral).length;
    counts.rootEdits = root?.updates ?? 0;
    counts.privateReplies =
      h.slack.responses.filter((r) => (r.body as { response_type?: string })?.response_type === 'ephemeral')
        .length + h.slack.messages().filter((m) => m.ephemeral).length;
    counts.channelPosts = h.slack.messages('C_DEPLOY').filter((m) => !m.thread_ts && !m.ephemeral).length;
    console.log(`channel noise: ${JSON.stringify(counts)}`);
    if (process.env.SHOW_THREAD) for (const m of replies) console.log(`${m.updates} ${m.text.slice(0, 110)}`);
    if (process.env.SHOW_THREAD)
      for (const m of h.slack.messages().filter((m) => !m.thread_ts))
        console.log(`TOP ${m.channel} ${m.ephemeral} ${m.text.slice(0, 110)}`);
    if (process.env.SHOW_THREAD)
      for (const r of h.slack.responses) console.log(`RESP ${JSON.stringify(r.body).slice(0, 120)}`);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('says half as much as before: one line per step, coalesced root edits, no private echo of clicks', () => {
    // Before #16 this rehearsal made 54 thread replies, 52 root edits and 4 private replies. Half:
    // quiet check-ins and quiet reviews in a row share a message, edited as each comes.
    expect(counts.threadReplies).toBeLessThanOrEqual(27);
    expect(counts.rootEdits).toBeLessThanOrEqual(26);
    // Only the answer to /deploy start: every click shows in the message it answered.
    expect(counts.privateReplies).toBe(1);
  });

  it('pins the root message, a live summary of stages, who promoted them and the last check-in', async () => {
    const ts = (await h.deployment(1))?.rootTs;
    const root = h.slack.messages('C_DEPLOY').find((m) => m.ts === ts);
    expect(root?.pinned).toBe(true);
    const text = JSON.stringify(root?.blocks);
    expect(text).toContain('*Stages*');
    expect(text).toMatch(/Stage 2: Expanded \(50%\) live <!date\^\d+\^[^>]+> · promoted by <@ULEAD>/);
    expect(text).toMatch(/Stage 3: Full \(100%\) live <!date\^\d+\^[^>]+> · promoted by <@ULEAD>/);
    // Quiet check-ins share a message: the summary quotes the latest one ("Check-ins 5–12/12 at …").
    expect(text).toMatch(/\*Last check-in:\* Check-ins? [\d–, ]+\/12 at <!date/);
    expect(text).toMatch(/Pre-deployment: 4 steps done/);
    // The plan's links, as link buttons, filled in for this deployment.
    expect(text).toContain(
      '"url":"https://grafana.example.org/d/medplum?var-env=production&var-version=v4.0.0"',
    );
  });

  it('gives each channel what its readers need', () => {
    const management = h.slack.messages('C_MGMT').map((m) => m.text);
    expect(management.length).toBeGreaterThan(3);
    for (const line of management) expect(line).toContain('details in <#C_DEPLOY>');
    // The end-user notice goes where users are told things (support answers them), not to the team.
    const notice = (m: { text: string }) => m.text.includes('is live for everyone');
    expect(h.slack.messages('C_SUPPORT').filter(notice)).toHaveLength(1);
    expect(h.slack.messages('C_DEPLOY').filter(notice)).toEqual([]);
    expect(h.slack.messages('C_MGMT').filter(notice)).toEqual([]);
  });

  it('puts what waits on a person in their App Home, with its buttons, without reopening the tab', () => {
    const homes = h.slack.callsOf('views.publish').filter((call) => call.args.user_id === users.lead);
    const promote = homes.find((call) =>
      JSON.stringify(call.args.view).includes('"action_id":"stage_promote"'),
    );
    expect(JSON.stringify(promote?.args.view)).toContain('*Needs you*');
    // The project manager, who declares complete, was shown that prompt; the lead was not.
    const project = h.slack.callsOf('views.publish').filter((call) => call.args.user_id === users.project);
    expect(project.some((call) => JSON.stringify(call.args.view).includes('deploy_declare_complete'))).toBe(
      true,
    );
    expect(homes.some((call) => JSON.stringify(call.args.view).includes('deploy_declare_complete'))).toBe(
      false,
    );
  });

  it('mentions who must answer each waiting prompt, in the channel as well as the thread', () => {
    const prompts = h.slack
      .callsOf('chat.postMessage')
      .filter((call) => String(call.args.text).match(/Go\/no-go|Promote to|success criteria hold/));
    expect(prompts.length).toBe(4);
    for (const call of prompts) {
      expect(String(call.args.reply_broadcast)).toBe('true');
      expect(String(call.args.text)).toMatch(/Waiting on <@U[A-Z]+>/);
    }
    // A promotion carries the evidence of its stage, from what was recorded.
    const promotion = prompts.find((call) => String(call.args.text).includes('Promote to'));
    expect(JSON.stringify(promotion?.args.blocks)).toMatch(
      /This stage: \d+ check-ins? \(\d+ answered, \d+ unanswered, \d+ open\) · 0 alerts · no open issues\./,
    );
    // The Project Manager declares complete: the prompt names them, not the lead.
    expect(String(prompts.at(-1)?.args.text)).toContain('Waiting on <@UPROJECT>');
  });
});
