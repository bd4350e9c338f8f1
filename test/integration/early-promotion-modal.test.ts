import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { buildReport } from '../../src/report/build-report.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { clickAndSubmit, openedView } from '../support/modals.js';
import { waitUntil } from '../support/wait.js';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find(
    (block: { type: string; block_id?: string }) => block.type === 'actions' && block.block_id !== 'links',
  )?.elements ?? [];

// The canary soaks 1000 h (about a minute at this TIME_SCALE): it is still soaking whenever the
// test clicks. The plan forbids approving your own deployment, so four eyes are checked too.
const timeScale = 57600;
const longCanary = (plan: Plan): Plan => ({
  ...plan,
  authorization: { ...plan.authorization, forbidSelfApproval: true },
  stages: plan.stages.map((stage, index) => (index === 0 ? { ...stage, minSoak: 1000 * 3600_000 } : stage)),
});

// Issue #16: early promotion through a form with a reason, with the checks of
// `/deploy approve --skip-soak`.
describe('[Promote early…] on a soaking stage', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const thread = async (harness: Harness) => {
    const rootTs = await waitUntil(async () => (await harness.deployment(1))?.rootTs ?? undefined, {
      label: 'the root',
    });
    return harness.slack.thread('C_DEPLOY', rootTs);
  };
  const soakingMessage = (harness: Harness) =>
    waitUntil(
      async () =>
        (await thread(harness)).find((m) => buttonsOf(m).some((b) => b.action_id === 'stage_skip_soak')),
      { label: 'the soaking stage with [Promote early…]', timeoutMs: 20_000 },
    );
  const promoteEarly = (harness: Harness, message: FakeMessage, user: string, text: string) => {
    const button = buttonsOf(message).find((b) => b.action_id === 'stage_skip_soak') as Button;
    return clickAndSubmit(
      harness,
      { actionId: 'stage_skip_soak', value: button.value, messageTs: message.ts, user },
      { text },
    );
  };

  it('promotes with the reason in the audit log, the thread and the report; a blank reason, a stranger and the starter are refused in the form', async () => {
    h = await startHarness({
      plan: longCanary,
      env: { TIME_SCALE: String(timeScale), REHEARSAL_DECISION_SCALE: '1' },
    });
    const harness = h;
    // A second Deployment Lead: the one who started may not approve their own deployment.
    await harness.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('deployment_lead', $1, 'test')`,
      [users.admin],
    );
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);
    const soaking = await soakingMessage(harness);
    expect(soaking.text).toContain('*Stage 1: Canary* is live at *10%*. Soaking');
    expect(buttonsOf(soaking).map((b) => (b as unknown as { text: { text: string } }).text.text)).toEqual([
      'Promote early to 50%…',
    ]);

    // The form says what is skipped before anyone submits it.
    const before = harness.slack.callsOf('views.open').length;
    const blank = await promoteEarly(harness, soaking, users.admin, '   ');
    const form = await openedView(harness, before);
    expect(form.callback_id).toBe('modal_promote_early');
    expect(JSON.stringify(form.blocks)).toMatch(/rest of the \*Stage 1: Canary\* soak is skipped/);
    expect(blank.json).toMatchObject({
      response_action: 'errors',
      errors: { text: expect.stringMatching(/Write a few words/) },
    });

    const stranger = await promoteEarly(harness, soaking, users.stranger, 'looks fine');
    expect(stranger.json).toMatchObject({
      response_action: 'errors',
      errors: { text: expect.stringMatching(/Only the Deployment Lead may approve a stage/) },
    });
    const self = await promoteEarly(harness, soaking, users.lead, 'I am sure');
    expect(self.json).toMatchObject({
      response_action: 'errors',
      errors: { text: expect.stringMatching(/forbids approving a deployment you started yourself/) },
    });
    expect((await harness.deployment(1))?.state).toBe('soaking');
    const refusals = await harness.db.query<{ actor: string }>(
      `SELECT actor FROM audit_log WHERE action = 'refused' ORDER BY id`,
    );
    expect(refusals.rows.map((row) => row.actor)).toEqual([users.stranger, users.lead]);

    const reason = 'hotfix for the clinic login outage';
    const promoted = await promoteEarly(harness, soaking, users.admin, reason);
    expect(promoted.text).toBe('');
    await waitUntil(async () => (await harness.deployment(1))?.currentPercent === 50, { label: '50%' });

    const audit = await harness.db.query<{ action: string; actor: string; detail: { reason?: string } }>(
      `SELECT action, actor, detail FROM audit_log WHERE action IN ('skip_soak', 'soak_skipped') ORDER BY id`,
    );
    expect(audit.rows).toEqual([
      expect.objectContaining({
        action: 'soak_skipped',
        actor: users.admin,
        detail: expect.objectContaining({ reason }),
      }),
      expect.objectContaining({
        action: 'skip_soak',
        actor: users.admin,
        detail: expect.objectContaining({ reason }),
      }),
    ]);
    // The thread says who and why; the soaking message says who decided and loses its button.
    await waitUntil(
      async () =>
        (await thread(harness)).find((m) =>
          m.text.includes(`Promoted early by <@${users.admin}>: ${reason}.`),
        ),
      { label: 'the early promotion in the thread' },
    );
    const decided = await waitUntil(
      async () =>
        (await thread(harness)).find(
          (m) => m.ts === soaking.ts && m.text.includes(`Promoted early (soak skipped) by <@${users.admin}>`),
        ),
      { label: 'the soaking message to show the decision' },
    );
    expect(buttonsOf(decided)).toEqual([]);
    // The post-deployment report keeps the reason with the stage it cut short.
    const report = await buildReport(harness.db, harness.plan, 1, new Date(), { timeScale });
    expect(renderMarkdown(report)).toContain(`skipped early: ${reason}`);
  });

  it('a click after the soak was cut short opens no form and says who decided', async () => {
    h = await startHarness({
      plan: longCanary,
      env: { TIME_SCALE: String(timeScale), REHEARSAL_DECISION_SCALE: '1' },
    });
    const harness = h;
    await harness.db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('deployment_lead', $1, 'test')`,
      [users.admin],
    );
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);
    const soaking = await soakingMessage(harness);
    // Read now: the fake edits its messages in place.
    const button = buttonsOf(soaking).find((b) => b.action_id === 'stage_skip_soak') as Button;
    // The command decides the same prompt the button belongs to.
    await harness.client.command('approve --skip-soak error budget fine, need the fix out', {
      user: users.admin,
    });
    await waitUntil(async () => (await harness.deployment(1))?.currentPercent === 50, { label: '50%' });

    const opened = harness.slack.callsOf('views.open').length;
    const answered = harness.slack.responses.length;
    await harness.client.action('stage_skip_soak', button.value, {
      user: users.admin,
      messageTs: soaking.ts,
    });
    await waitUntil(() => harness.slack.responses.length > answered, {
      label: 'the answer to the late click',
    });
    expect((harness.slack.responses.at(-1)?.body as { text?: string } | undefined)?.text).toMatch(
      new RegExp(`Already decided: Promoted early \\(soak skipped\\) by <@${users.admin}>`),
    );
    expect(harness.slack.callsOf('views.open').length).toBe(opened);
  });
});
