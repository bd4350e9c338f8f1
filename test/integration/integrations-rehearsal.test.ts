import { afterEach, describe, expect, it } from 'vitest';
import { jobIds } from '../../src/infra/queue/queues.js';
import { startFakeGitHub } from '../support/fake-github.js';
import { startFakePagerDuty } from '../support/fake-pagerduty.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const routingKey = 'R0UTINGKEY0123456789ABCDEFGHIJKL';
const githubToken = 'ghp_test0123456789';
const repository = 'example/medplum-ehr';
const alertmanagerToken = 'am-secret-token-0123456789';
const timeScale = 3600;

type Button = { action_id: string; value: string; url?: string };
const actingButtons = (message: FakeMessage | undefined): Button[] =>
  (message?.blocks ?? [])
    .filter((block: { type: string }) => block.type === 'actions')
    .flatMap((block: { elements: Button[] }) => block.elements)
    .filter((button: Button) => button.url === undefined);

// Issue #18, done when: with PagerDuty, GitHub and Alertmanager configured, a rehearsal with a
// sustained breach and a rollback gives one grouped alert, one PagerDuty trigger and its resolve
// after [Acknowledge], GitHub statuses in progress → stage → failure, and nothing twice across a restart.
describe('a rehearsal with every integration on', () => {
  let h: Harness | undefined;
  let pd: Awaited<ReturnType<typeof startFakePagerDuty>> | undefined;
  let gh: Awaited<ReturnType<typeof startFakeGitHub>> | undefined;
  afterEach(async () => {
    await h?.close();
    await pd?.close();
    await gh?.close();
    h = undefined;
    pd = undefined;
    gh = undefined;
  });

  it('three monitors breaching together make one alert and one page; [Acknowledge] resolves it; the rollback fails the GitHub deployment; a restart repeats nothing', {
    timeout: 120_000,
  }, async () => {
    pd = await startFakePagerDuty(routingKey);
    gh = await startFakeGitHub(repository, githubToken);
    const pagerduty = pd;
    const github = gh;
    h = await startHarness({
      // Polls every 250 ms of wall-clock time; people decide in real time.
      plan: (plan) => ({ ...plan, monitoring: { ...plan.monitoring, pollEvery: 250 * timeScale } }),
      env: {
        TIME_SCALE: String(timeScale),
        REHEARSAL_DECISION_SCALE: '1',
        PAGERDUTY_ROUTING_KEY: routingKey,
        PAGERDUTY_EVENTS_URL: pagerduty.url,
        GITHUB_TOKEN: githubToken,
        GITHUB_REPOSITORY: repository,
        GITHUB_API_URL: github.url,
        ALERTMANAGER_WEBHOOK_TOKEN: alertmanagerToken,
      },
    });
    const harness = h;
    const query = (id: string) => harness.plan.monitoring.metrics.find((m) => m.id === id)?.query as string;
    // The release is bad from its first reading: three monitors breach in the same polls.
    harness.prometheus.set(query('error_rate'), 0.3);
    harness.prometheus.set(query('api_p95_latency'), 1.8);
    harness.prometheus.set(query('cpu'), 0.95);

    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);
    const rootTs = await waitUntil(async () => (await harness.deployment(1))?.rootTs ?? undefined, {
      label: 'the root',
    });
    const thread = () => harness.slack.thread('C_DEPLOY', rootTs);
    const alerts = () => thread().filter((m) => m.text.includes('beyond its threshold'));
    const pages = () =>
      harness.slack.messages('C_DEPLOY').filter((m) => !m.thread_ts && m.text.includes('in trouble'));
    const breaching = async () =>
      Number(
        (await harness.db.query(`SELECT count(*) FROM metric_samples WHERE status = 'breach'`)).rows[0].count,
      );

    const alert = await waitUntil(() => alerts()[0], { label: 'the grouped alert' });
    expect(alert.text).toMatch(/^:rotating_light: 3 monitors in trouble\n/);
    expect(alert.text).toMatch(/Error rate .* is 30\.0%, beyond its threshold \(at most 1\.0%\)/);
    expect(alert.text).toMatch(
      /API response time \(p95\) is 1\.80 s, beyond its threshold \(at most 500 ms\)/,
    );
    expect(alert.text).toMatch(/Server CPU usage is 95\.0%, beyond its threshold \(at most 80\.0%\)/);
    await waitUntil(() => pagerduty.events.some((e) => e.event_action === 'trigger'), {
      label: 'the PagerDuty trigger',
    });
    await waitUntil(() => pages().length === 1, { label: 'the Slack page' });
    expect(pages()[0]?.text).toMatch(/3 monitors in trouble on deployment #1/);

    // The monitors stay breached for many polls: announced once all the same.
    const seen = await breaching();
    await waitUntil(async () => (await breaching()) >= seen + 9, { label: 'more breaching polls' });
    expect(alerts()).toHaveLength(1);

    // [Acknowledge] while Slack fails its edits, then the process restarts before they went out:
    // the edits are outbox rows, so the restarted process delivers them, once.
    harness.slack.failNext('chat.update', { status: 500, times: 4 });
    const ack = actingButtons(alert).find((b) => b.action_id === 'alert_ack') as Button;
    await harness.client.action('alert_ack', ack.value, { user: users.lead, messageTs: alert.ts });
    await waitUntil(() => pagerduty.incidents.get('stagecoach-page-1-metrics') === 'resolved', {
      label: 'the PagerDuty resolve',
    });
    // Restarted while the edit waits out its retry delay (a job cut off mid-send would wait for
    // BullMQ's stalled-job check instead, 30 s later: the same outcome, only slower).
    await waitUntil(
      async () => {
        const edit = await harness.db.query<{ id: number; status: string }>(
          `SELECT id, status FROM notifications WHERE dedupe_key LIKE 'prompt-refresh:%' ORDER BY id DESC LIMIT 1`,
        );
        const row = edit.rows[0];
        if (row?.status !== 'pending') return false;
        const job = await harness.runtime.queues.notify.getJob(jobIds.notification(row.id));
        return (await job?.getState()) === 'delayed';
      },
      { label: 'the edit to wait for its retry', intervalMs: 20 },
    );
    const before = snapshot(harness, pagerduty, github);
    await harness.restart();

    const acknowledged = await waitUntil(
      () =>
        harness.slack
          .messages('C_DEPLOY')
          .find((m) => m.ts === alert.ts && /Acknowledged by <@ULEAD> at /.test(m.text)),
      { label: 'the alert to say who acknowledged it', timeoutMs: 20_000 },
    );
    expect(actingButtons(acknowledged)).toEqual([]);
    expect(acknowledged.text).toMatch(/3 monitors in trouble/);
    await waitUntil(() => pages()[0]?.text.startsWith(':white_check_mark:'), {
      label: 'the page resolved in place',
    });
    // Polls go on after the restart and still announce nothing new.
    const afterRestart = await breaching();
    await waitUntil(async () => (await breaching()) >= afterRestart + 6, {
      label: 'polls after the restart',
    });
    expect(alerts()).toHaveLength(1);

    await harness.client.command('rollback error rate, latency and CPU beyond their thresholds', {
      user: users.lead,
    });
    await waitUntil(
      async () => {
        const state = (await harness.deployment(1))?.state;
        if (state === 'awaiting_restore') await harness.client.command('keep-db', { user: users.dba });
        return state === 'rolled_back';
      },
      { label: 'the rollback to finish', timeoutMs: 30_000 },
    );
    await harness.outboxDrained(70_000);

    expect(alerts()).toHaveLength(1);
    expect(pages()).toHaveLength(1);
    expect(pagerduty.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', 'stagecoach-page-1-metrics'],
      ['resolve', 'stagecoach-page-1-metrics'],
    ]);
    expect(github.deployments).toHaveLength(1);
    expect(github.deployments[0]?.statuses).toEqual([
      { state: 'in_progress', description: 'Started by Stagecoach (deployment #1)' },
      { state: 'in_progress', description: 'Stage 1: Canary live at 10% of traffic' },
      { state: 'failure', description: expect.stringMatching(/^Rolled back to /) },
    ]);
    // Nothing from before the restart was sent again after it.
    const now = snapshot(harness, pagerduty, github);
    expect(duplicates(now.slackPosts)).toEqual([]);
    expect(now.slackPosts.slice(0, before.slackPosts.length)).toEqual(before.slackPosts);
    expect(now.pagerduty.slice(0, before.pagerduty.length)).toEqual(before.pagerduty);
    expect(now.github.slice(0, before.github.length)).toEqual(before.github);
  });
});

/** What reached each receiver so far: Slack posts (not edits), PagerDuty events, GitHub statuses. */
function snapshot(
  harness: Harness,
  pagerduty: Awaited<ReturnType<typeof startFakePagerDuty>>,
  github: Awaited<ReturnType<typeof startFakeGitHub>>,
) {
  return {
    slackPosts: harness.slack
      .callsOf('chat.postMessage')
      .map((call) => `${String(call.args.thread_ts ?? '')}|${String(call.args.text)}`),
    pagerduty: pagerduty.events.map((e) => `${e.event_action}:${e.dedup_key}`),
    github: github.deployments.flatMap((d) => d.statuses.map((s) => `${d.id}:${s.state}:${s.description}`)),
  };
}

function duplicates(posts: string[]): string[] {
  return posts.filter((post, index) => posts.indexOf(post) !== index);
}
