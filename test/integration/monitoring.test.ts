import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { clickAndSubmit, openedView } from '../support/modals.js';
import { waitUntil } from '../support/wait.js';

type Button = { action_id: string; value: string; url?: string };
const buttonsOf = (m: FakeMessage | undefined): Button[] =>
  m?.blocks.find((b: { type: string }) => b.type === 'actions')?.elements ?? [];
/** Every button of a message that acts (link buttons, which only open a page, left out). */
const actingButtons = (m: FakeMessage | undefined): Button[] =>
  (m?.blocks ?? [])
    .filter((b: { type: string }) => b.type === 'actions')
    .flatMap((b: { elements: Button[] }) => b.elements)
    .filter((button: Button) => button.url === undefined);

/** Polls every 250 ms of wall-clock time at the given TIME_SCALE. */
const pollingFast =
  (timeScale: number) =>
  (plan: Plan): Plan => ({
    ...plan,
    monitoring: { ...plan.monitoring, pollEvery: 250 * timeScale },
  });

/** People decide in real time (no auto-rollback grace is involved): the go/no-go deadline stays out of the way. */
const realTimeDecisions = (timeScale: number) => ({
  TIME_SCALE: String(timeScale),
  REHEARSAL_DECISION_SCALE: '1',
});

describe('monitoring, issues and success', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const root = () =>
    h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
  const thread = () => {
    const r = root();
    return r ? h.slack.thread('C_DEPLOY', r.ts) : [];
  };
  const alerts = () =>
    thread().filter(
      (m) =>
        m.text.includes(':rotating_light:') ||
        m.text.startsWith('🚨') ||
        /beyond its threshold since|has no data since/.test(m.text),
    );
  const query = (id: string) => h.plan.monitoring.metrics.find((m) => m.id === id)?.query as string;
  const samples = async (metricId: string, status: string) =>
    Number(
      (
        await h.db.query(`SELECT count(*) FROM metric_samples WHERE metric_id = $1 AND status = $2`, [
          metricId,
          status,
        ])
      ).rows[0].count,
    );
  const lastAnswer = () => (h.slack.responses.at(-1)?.body as { text: string } | undefined)?.text ?? '';
  const buttonValue = (message: FakeMessage, actionId: string) =>
    buttonsOf(message).find((b) => b.action_id === actionId)?.value as string;
  const click = async (message: FakeMessage, actionId: string, user: string) => {
    await h.client.action(actionId, buttonValue(message, actionId), { user, messageTs: message.ts });
  };
  /** The prompt once it says who decided (edited in place, without buttons): a decision gets no private echo. */
  const decidedAs = async (message: FakeMessage, decision: string, user: string) => {
    const decided = await waitUntil(
      () =>
        h.slack
          .messages('C_DEPLOY')
          .find((m) => m.ts === message.ts && m.text.includes(`${decision} by <@${user}> at <!date^`)),
      { label: `the prompt to say "${decision} by <@${user}>"` },
    );
    expect(actingButtons(decided)).toEqual([]);
    return decided;
  };
  /** Opens a modal from a button on `message` and submits it with `text`; returns the HTTP answer. */
  const submitFrom = (message: FakeMessage, actionId: string, user: string, text: string) =>
    clickAndSubmit(
      h,
      { actionId, value: buttonValue(message, actionId), messageTs: message.ts, user },
      { text },
    );

  it('alerts once on a sustained breach, never on a single spike, and adds no data (unknown) to the same alert', {
    timeout: 90_000,
  }, async () => {
    // The canary soaks 6 s: long enough to watch polls, short enough to see them go on during the prompt.
    const timeScale = 14_400;
    h = await startHarness({ plan: pollingFast(timeScale), env: realTimeDecisions(timeScale) });
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);

    // One bad reading, then healthy again: no alert.
    h.prometheus.set(query('error_rate'), 0.3);
    await waitUntil(async () => (await samples('error_rate', 'breach')) >= 1, {
      label: 'one breaching sample',
    });
    h.prometheus.set(query('error_rate'), 0.001);
    await waitUntil(async () => (await samples('error_rate', 'ok')) >= 3, { label: 'healthy again' });
    expect(alerts()).toEqual([]);

    // Sustained: exactly one alert however many polls follow.
    h.prometheus.set(query('error_rate'), 0.3);
    const alert = await waitUntil(() => alerts()[0], { label: 'the alert' });
    const breachesAtAlert = await samples('error_rate', 'breach');
    await waitUntil(async () => (await samples('error_rate', 'breach')) >= breachesAtAlert + 4, {
      label: 'more breaching polls',
    });
    expect(alerts()).toHaveLength(1);
    expect(alert.text).toMatch(/Error rate.*30\.0%.*at most 1\.0%/);
    expect(buttonsOf(alert).map((b) => b.action_id)).toEqual(['deploy_rollback', 'alert_ack']);
    const page = h.slack
      .messages('C_DEPLOY')
      .find((m) => !m.thread_ts && m.text.includes('beyond its threshold'));
    expect(page?.text).toContain('<@ULEAD>');

    // No data is unknown and goes to a human: it joins the open alert (issue #18), edited in place.
    h.prometheus.set(query('cpu'), undefined);
    const unknown = await waitUntil(() => alerts().find((m) => m.text.includes('no data')), {
      label: 'the unknown monitor in the alert',
    });
    expect(unknown.ts).toBe(alert.ts);
    expect(alerts()).toHaveLength(1);
    expect(unknown.text).toMatch(/^:rotating_light: 2 monitors in trouble\n/);
    expect(unknown.text).toMatch(/Error rate.*30\.0%.*at most 1\.0%/);
    expect(unknown.text).toMatch(/Server CPU usage has no data since/);
    expect(await samples('cpu', 'ok')).toBeGreaterThan(0);
    // Issue #18: one page for every monitor in trouble, edited as another joins, not a page each.
    const pages = () =>
      h.slack.messages('C_DEPLOY').filter((m) => !m.thread_ts && m.text.includes('in trouble'));
    await waitUntil(() => pages()[0]?.text.includes('2 monitors in trouble'), { label: 'the grouped page' });
    expect(pages()).toHaveLength(1);
    expect(pages()[0]?.text).toMatch(
      /2 monitors in trouble on deployment #1 \(v4\.0\.0 at 10%\): Error rate .*, Server CPU usage \(new: Server CPU usage has no data\)/,
    );

    // Monitoring keeps polling while the promotion prompt waits.
    await waitUntil(() => thread().some((m) => buttonsOf(m).some((b) => b.action_id === 'stage_promote')), {
      timeoutMs: 30_000,
      label: 'promotion prompt',
    });
    const before = await samples('api_p95_latency', 'ok');
    await waitUntil(async () => (await samples('api_p95_latency', 'ok')) > before + 2, {
      label: 'polls while waiting',
    });
    const answered = h.slack.responses.length;
    await click(alert, 'alert_ack', users.lead);
    const acknowledged = await decidedAs(alert, 'Acknowledged', users.lead);
    expect(acknowledged.text).toMatch(/Error rate.*30\.0%/);
    expect(h.slack.responses.slice(answered)).toEqual([]);

    // Everything back: the same message says so, still saying who acknowledged it, and the thread hears it once.
    h.prometheus.set(query('error_rate'), 0.001);
    h.prometheus.set(query('cpu'), 0.3);
    const clear = await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => m.ts === alert.ts && m.text.includes('All clear')),
      { label: 'the alert to say all clear' },
    );
    expect(clear.text).toMatch(/Error rate .* is back within its threshold \(0\.10%\)/);
    expect(clear.text).toMatch(/Acknowledged by <@ULEAD> at /);
    expect(actingButtons(clear)).toEqual([]);
    await waitUntil(
      () => thread().some((m) => m.text.includes('All clear: everything in the alert is back')),
      {
        label: 'the all-clear line in the thread',
      },
    );
    expect(alerts()).toEqual([]);
  });

  it('pages both leads on a critical issue and offers rollback; a minor one does neither', async () => {
    h = await startHarness({ env: realTimeDecisions(3600) });
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    await h.client.command('issue minor Tooltip typo on the vitals chart', { user: users.stranger });
    expect(lastAnswer()).toMatch(/Issue #1 \(minor\) recorded/);
    const minor = await waitUntil(() => thread().find((m) => m.text.includes('Minor issue #1')), {
      label: 'minor issue',
    });
    expect(buttonsOf(minor)).toEqual([]);
    expect(
      h.slack.messages('C_DEPLOY').filter((m) => !m.thread_ts && m.text.includes('critical issue')),
    ).toEqual([]);

    await h.client.command('issue critical Medication orders fail to save', { user: users.stranger });
    const critical = await waitUntil(() => thread().find((m) => m.text.includes('Critical issue #2')), {
      label: 'critical issue',
    });
    expect(buttonsOf(critical).map((b) => b.action_id)).toEqual(['deploy_rollback', 'issue_resolved']);
    const page = await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('critical issue #2')),
      { label: 'page' },
    );
    expect(page.text).toContain('<@ULEAD>');
    expect(page.text).toContain('<@UPROJECT>');
    // Roll back asks for a reason first: the click opens a modal and changes nothing yet.
    const opened = h.slack.callsOf('views.open').length;
    await click(critical, 'deploy_rollback', users.lead);
    const view = await openedView(h, opened);
    expect(view.callback_id).toBe('modal_rollback');
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({
      promptId: Number(buttonValue(critical, 'deploy_rollback')),
      deploymentId: 1,
    });
    expect((await h.deployment(1))?.state).toBe('soaking');
    const submitted = await h.client.viewSubmission(
      view,
      { text: { text: 'Orders are being lost, go back now' } },
      { user: users.lead },
    );
    expect(submitted.status).toBe(200);
    expect(submitted.text).toBe('');
    await waitUntil(
      async () =>
        ['rolling_back', 'awaiting_restore', 'rolled_back'].includes((await h.deployment(1))?.state ?? ''),
      { label: 'rollback' },
    );
    await decidedAs(critical, 'Rolled back', users.lead);
    // The reason typed in the modal is the one the thread gives.
    await waitUntil(
      () =>
        thread().find((m) =>
          m.text.includes('Rollback started by <@ULEAD>: Orders are being lost, go back now.'),
        ),
      { label: 'the rollback line with its reason' },
    );
  });

  it('holds success back while a major issue is open, then asks for the declaration, then tracks the documentation', {
    timeout: 90_000,
  }, async () => {
    const timeScale = 57_600;
    h = await startHarness({ plan: pollingFast(timeScale), env: realTimeDecisions(timeScale) });
    await h.client.command('start v4.0.0', { user: users.lead });
    for (const percent of [50, 100]) {
      const prompt = await waitUntil(
        () =>
          thread().find(
            (m) =>
              buttonsOf(m).some((b) => b.action_id === 'stage_promote') && m.text.includes(`${percent}%`),
          ),
        { timeoutMs: 30_000, label: `promote to ${percent}` },
      );
      await click(prompt, 'stage_promote', users.lead);
    }
    await h.waitForState(1, 'success_window', 20_000);
    await h.client.command('issue major Slow patient search for large panels', { user: users.stranger });
    const notYet = await waitUntil(
      () => thread().find((m) => m.text.includes('Success criteria not met yet')),
      { timeoutMs: 20_000, label: 'held back' },
    );
    expect(notYet.text).toMatch(/1 critical or major issue\(s\) still open/);
    expect(thread().some((m) => buttonsOf(m).some((b) => b.action_id === 'deploy_declare_complete'))).toBe(
      false,
    );

    const major = thread().find((m) => m.text.includes('Major issue #1')) as FakeMessage;
    // Read now: the fake Slack rewrites the message in place once the prompt is decided.
    const resolveValue = buttonValue(major, 'issue_resolved');
    // Resolved asks for a note in a modal; someone outside the team is refused in the form itself.
    const refused = await submitFrom(major, 'issue_resolved', users.stranger, 'Looks fine to me');
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { text: expect.stringMatching(/Only the deployment team/) },
    });
    expect(actingButtons(h.slack.messages('C_DEPLOY').find((m) => m.ts === major.ts))).not.toEqual([]);
    const blank = await submitFrom(major, 'issue_resolved', users.lead, '   ');
    expect(blank.json?.errors?.text).toMatch(/^Write a few words/);
    const resolved = await submitFrom(major, 'issue_resolved', users.lead, 'Index added; search is fast');
    expect(resolved.status).toBe(200);
    expect(resolved.text).toBe('');
    await decidedAs(major, 'Resolved', users.lead);
    // A late click on the decided prompt is told so at once, and opens no form.
    const opened = h.slack.callsOf('views.open').length;
    const answered = h.slack.responses.length;
    await h.client.action('issue_resolved', resolveValue, { user: users.lead, messageTs: major.ts });
    expect(h.slack.responses.slice(answered).map((r) => (r.body as { text: string }).text)).toEqual([
      expect.stringMatching(/^Already decided: Resolved by <@ULEAD> at /),
    ]);
    expect(h.slack.callsOf('views.open')).toHaveLength(opened);
    const declare = await waitUntil(
      () => thread().find((m) => buttonsOf(m).some((b) => b.action_id === 'deploy_declare_complete')),
      { timeoutMs: 20_000, label: 'declare prompt' },
    );
    expect(declare.text).toMatch(/every monitor stayed within its threshold/);
    expect(declare.text).toMatch(/Integration tests in production passed/);
    await click(declare, 'deploy_declare_complete', users.project);
    await h.waitForState(1, 'completed');

    const checklist = await waitUntil(() => thread().find((m) => m.text.includes('Documentation updates')), {
      label: 'checklist',
    });
    const doneButtons = checklist.blocks
      .filter((b: { accessory?: unknown }) => b.accessory)
      .map((b: { accessory: Button }) => b.accessory);
    expect(doneButtons).toHaveLength(4);
    await h.client.action('doc_done', doneButtons[0].value, { user: users.lead, messageTs: checklist.ts });
    await waitUntil(
      () =>
        h.slack
          .messages('C_DEPLOY')
          .find((m) => m.ts === checklist.ts)
          ?.text.includes('(1/4 done)'),
      { label: 'checklist updated' },
    );
    expect(JSON.stringify(h.slack.messages('C_DEPLOY').find((m) => m.ts === checklist.ts)?.blocks)).toContain(
      'API reference documentation · updated by <@ULEAD>',
    );
  });
});
