// Issue #15: a plan that says `traffic: none` rehearsed end to end. No command moves traffic, so
// nothing in Slack claims a share of it and no percentage is stored; the check-ins still come.

import { afterEach, describe, expect, it } from 'vitest';
import { checkInsShownBy } from '../support/check-in-messages.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { withoutTrafficControl } from '../support/traffic-plans.js';
import { waitUntil } from '../support/wait.js';

// 24 h of soak pass in 1.5 s, 48 h in 3 s; a check-in every 30 min comes every ~30 ms.
const timeScale = '57600';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];
// A stage's share of traffic said out loud (metric readings such as 0.10% are not one).
const stageShare = /(?<![\d.])(10|50|100) ?%/;

describe('a plan with traffic: none, rehearsed', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('runs every stage as an observation window: no percentage said or stored, check-ins still come', async () => {
    h = await startHarness({
      plan: withoutTrafficControl,
      // People decide in real time: the go/no-go deadline (30 minutes) stays out of the way.
      env: { TIME_SCALE: timeScale, REHEARSAL_DECISION_SCALE: '1' },
    });
    const root = () =>
      h.slack
        .messages('C_DEPLOY')
        .find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
    const thread = () => {
      const r = root();
      return r ? h.slack.thread('C_DEPLOY', r.ts) : [];
    };
    const promptWith = (actionId: string, text = '') =>
      waitUntil(
        () =>
          thread().find((m) => m.text.includes(text) && buttonsOf(m).some((b) => b.action_id === actionId)),
        { label: `a prompt with ${actionId} ${text}` },
      );
    const click = async (actionId: string, user: string, text = '') => {
      const prompt = await promptWith(actionId, text);
      const button = buttonsOf(prompt).find((b) => b.action_id === actionId) as Button;
      await h.client.action(actionId, button.value, { user, messageTs: prompt.ts });
      return prompt;
    };

    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    expect(await h.deployment(1)).toMatchObject({ stageIndex: 0, currentPercent: 0 });

    const first = await promptWith('stage_promote');
    expect(first.text).toContain('Promote to *Stage 2: Expanded*?');
    await click('stage_promote', users.lead);
    await waitUntil(async () => (await h.deployment(1))?.stageIndex === 1, { label: 'stage 2' });
    expect((await h.deployment(1))?.currentPercent).toBe(0);
    await click('stage_promote', users.lead, 'Promote to *Stage 3: Full*');
    await h.waitForState(1, 'success_window');
    expect(await h.deployment(1)).toMatchObject({ stageIndex: 2, currentPercent: 0 });
    await click('deploy_declare_complete', users.project);
    await h.waitForState(1, 'completed');
    await h.outboxDrained();

    // No traffic command ran: the frontend step deploys without --percent and no shift runs.
    expect((await h.workspace.invocations()).filter((line) => line.includes('--percent='))).toEqual([]);
    const shiftRuns = await h.db.query(`SELECT 1 FROM step_runs WHERE phase = 'rollout'`);
    expect(shiftRuns.rowCount).toBe(0);
    const stored = await h.db.query<{ percent: number }>('SELECT DISTINCT percent FROM metric_samples');
    expect(stored.rows.map((row) => row.percent)).toEqual([0]);

    // The check-ins and reviews were scheduled and asked, without a share of traffic.
    const checkIns = thread().filter((m) => checkInsShownBy(m.text).length > 0);
    expect(checkIns.length).toBeGreaterThan(0);
    expect(checkIns[0]?.text).toContain('no traffic control');
    const timers = await h.db.query<{ kind: string }>(
      `SELECT kind FROM timers WHERE kind IN ('check_in', 'review')`,
    );
    expect(timers.rows.filter((t) => t.kind === 'check_in')).toHaveLength(12);
    expect(timers.rows.filter((t) => t.kind === 'review').length).toBeGreaterThan(0);

    // Nothing anywhere in Slack claims a share of traffic.
    const management = h.slack.messages('C_MGMT').map((m) => m.text);
    expect(management.some((t) => t.includes('Stage 1: Canary is live (no traffic control)'))).toBe(true);
    const everything = h.slack.messages().map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`);
    expect(everything.filter((text) => stageShare.test(text))).toEqual([]);
    expect(JSON.stringify(root()?.blocks)).toContain('all users (no traffic control)');
  });
});
