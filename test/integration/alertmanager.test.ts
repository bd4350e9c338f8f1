import { afterEach, describe, expect, it } from 'vitest';
import { evaluateSuccess } from '../../src/deploy/flow/success-criteria.js';
import { startFakePagerDuty } from '../support/fake-pagerduty.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const token = 'am-secret-token-0123456789';
const routingKey = 'R0UTINGKEY0123456789ABCDEFGHIJKL';

/** Alertmanager's webhook body (version 4), as its documentation shows it. */
function webhook(
  status: 'firing' | 'resolved',
  alerts: { name: string; env: string; fingerprint: string }[],
) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'stagecoach',
    groupLabels: { alertname: alerts[0]?.name ?? '' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    alerts: alerts.map((a) => ({
      status,
      labels: { alertname: a.name, environment: a.env, severity: 'page' },
      annotations: { summary: `${a.name} on ${a.env}` },
      startsAt: '2026-12-02T04:00:00Z',
      endsAt: status === 'resolved' ? '2026-12-02T04:10:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph?g0.expr=errors',
      fingerprint: a.fingerprint,
    })),
  };
}

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find(
    (block: { type: string; block_id?: string }) => block.type === 'actions' && block.block_id !== 'links',
  )?.elements ?? [];

// Issue #18: alerts from the team's own Alertmanager reach the rollout.
describe('POST /alertmanager', () => {
  let h: Harness | undefined;
  let pd: Awaited<ReturnType<typeof startFakePagerDuty>> | undefined;
  afterEach(async () => {
    await h?.close();
    await pd?.close();
    h = undefined;
    pd = undefined;
  });

  const send = (body: unknown, auth = `Bearer ${token}`) =>
    fetch(`${h?.baseUrl}/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify(body),
    });

  it('posts a firing alert once in the matching deployment, pages PagerDuty, resolves it on [Acknowledge]; unmatched and bad input change nothing', async () => {
    pd = await startFakePagerDuty(routingKey);
    const fake = pd;
    h = await startHarness({
      env: {
        TIME_SCALE: '3600',
        REHEARSAL_DECISION_SCALE: '1',
        ALERTMANAGER_WEBHOOK_TOKEN: token,
        PAGERDUTY_ROUTING_KEY: routingKey,
        PAGERDUTY_EVENTS_URL: fake.url,
      },
    });
    const harness = h;
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);

    expect(
      (
        await send(
          webhook('firing', [{ name: 'HighErrorRate', env: 'production', fingerprint: 'f1' }]),
          'Bearer nope',
        )
      ).status,
    ).toBe(401);
    expect((await send({ version: '3' })).status).toBe(400);
    const unmatched = await send(
      webhook('firing', [{ name: 'DiskFull', env: 'staging', fingerprint: 'f9' }]),
    );
    expect(unmatched.status).toBe(202);
    expect(await unmatched.json()).toMatchObject({ unmatched: 1, posted: 0 });

    const firing = webhook('firing', [{ name: 'HighErrorRate', env: 'production', fingerprint: 'f1' }]);
    expect(await (await send(firing)).json()).toMatchObject({ posted: 1 });
    // Alertmanager repeats a firing alert every repeat_interval: never posted twice.
    expect(await (await send(firing)).json()).toMatchObject({ repeated: 1, posted: 0 });

    const rootTs = (await harness.deployment(1))?.rootTs as string;
    const alert = await waitUntil(
      () =>
        harness.slack
          .thread('C_DEPLOY', rootTs)
          .find((m) => m.text.includes('Alertmanager: HighErrorRate is firing')),
      { label: 'the alert in the thread' },
    );
    expect(buttonsOf(alert).map((b) => b.action_id)).toEqual(['deploy_rollback', 'alert_ack']);
    // It counts for the success criteria like the bot's own monitors.
    const judged = await evaluateSuccess(harness.runtime.deps, 1);
    expect(judged.met).toBe(false);
    expect(judged.lines.join('\n')).toMatch(/monitoring raised 1 alert\(s\) in the window/);
    const trigger = await waitUntil(() => fake.events.find((e) => e.event_action === 'trigger'), {
      label: 'the PagerDuty trigger',
    });
    expect(trigger.dedup_key).toBe('stagecoach-page-1-alertmanager');

    const ack = buttonsOf(alert).find((b) => b.action_id === 'alert_ack') as Button;
    await harness.client.action('alert_ack', ack.value, { user: users.lead, messageTs: alert.ts });
    await waitUntil(() => fake.events.some((e) => e.event_action === 'resolve'), {
      label: 'the PagerDuty resolve',
    });
    expect(fake.incidents.get('stagecoach-page-1-alertmanager')).toBe('resolved');

    const resolved = webhook('resolved', [{ name: 'HighErrorRate', env: 'production', fingerprint: 'f1' }]);
    expect(await (await send(resolved)).json()).toMatchObject({ resolved: 1 });
    await waitUntil(
      () =>
        harness.slack
          .thread('C_DEPLOY', rootTs)
          .some((m) => m.text.includes('Alertmanager: *HighErrorRate* resolved')),
      { label: 'the resolved note' },
    );
    // The alert itself is marked resolved in place (it keeps saying who acknowledged it), never posted again.
    const marked = await waitUntil(
      () =>
        harness.slack
          .thread('C_DEPLOY', rootTs)
          .find((m) => m.ts === alert.ts && m.text.includes('Alertmanager: HighErrorRate resolved at')),
      { label: 'the alert marked resolved' },
    );
    expect(marked.text).toMatch(/Acknowledged by <@ULEAD> at /);
    await harness.outboxDrained();
    expect(
      harness.slack
        .thread('C_DEPLOY', rootTs)
        .filter((m) => m.ts === alert.ts || m.text.includes('HighErrorRate is firing')),
    ).toHaveLength(1);
    expect(fake.events.filter((e) => e.event_action === 'trigger')).toHaveLength(1);
    expect((await harness.deployment(1))?.state).toBe('soaking');
  });

  it('an Alertmanager alert firing while monitors are in trouble joins their alert: one message, and one [Acknowledge] answers both pages', async () => {
    pd = await startFakePagerDuty(routingKey);
    const fake = pd;
    const timeScale = 3600;
    h = await startHarness({
      // Polls every 250 ms of wall-clock time: a sustained breach alerts within a second.
      plan: (plan) => ({ ...plan, monitoring: { ...plan.monitoring, pollEvery: 250 * timeScale } }),
      env: {
        TIME_SCALE: String(timeScale),
        REHEARSAL_DECISION_SCALE: '1',
        ALERTMANAGER_WEBHOOK_TOKEN: token,
        PAGERDUTY_ROUTING_KEY: routingKey,
        PAGERDUTY_EVENTS_URL: fake.url,
      },
    });
    const harness = h;
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'soaking', 20_000);
    const rootTs = (await harness.deployment(1))?.rootTs as string;
    const alerts = () =>
      harness.slack
        .thread('C_DEPLOY', rootTs)
        .filter((m) => buttonsOf(m).some((b) => b.action_id === 'alert_ack'));
    const query = harness.plan.monitoring.metrics.find((m) => m.id === 'error_rate')?.query as string;
    harness.prometheus.set(query, 0.3);
    const alert = await waitUntil(() => alerts()[0], { label: 'the monitor alert' });

    const firing = webhook('firing', [{ name: 'HighErrorRate', env: 'production', fingerprint: 'f1' }]);
    expect(await (await send(firing)).json()).toMatchObject({ posted: 1 });
    const joined = await waitUntil(
      () =>
        alerts().find((m) => m.ts === alert.ts && m.text.includes('Alertmanager: HighErrorRate is firing')),
      { label: 'the Alertmanager alert in the same message' },
    );
    expect(joined.text).toMatch(/^:rotating_light: 2 alerts in trouble\n/);
    expect(joined.text).toMatch(/Error rate .* is 30\.0%, beyond its threshold/);
    expect(alerts()).toHaveLength(1);
    // Two causes, two incidents: the bot's monitors and the team's Alertmanager.
    await waitUntil(() => fake.events.filter((e) => e.event_action === 'trigger').length >= 2, {
      label: 'both PagerDuty triggers',
    });
    expect(new Set(fake.events.map((e) => e.dedup_key))).toEqual(
      new Set(['stagecoach-page-1-metrics', 'stagecoach-page-1-alertmanager']),
    );

    const ack = buttonsOf(joined).find((b) => b.action_id === 'alert_ack') as Button;
    await harness.client.action('alert_ack', ack.value, { user: users.lead, messageTs: joined.ts });
    await waitUntil(
      () =>
        fake.incidents.get('stagecoach-page-1-metrics') === 'resolved' &&
        fake.incidents.get('stagecoach-page-1-alertmanager') === 'resolved',
      { label: 'both incidents resolved' },
    );
    await harness.outboxDrained();
    expect(fake.events.filter((e) => e.event_action === 'trigger')).toHaveLength(2);
  });

  it('is off without ALERTMANAGER_WEBHOOK_TOKEN', async () => {
    h = await startHarness();
    const response = await send(webhook('firing', [{ name: 'X', env: 'production', fingerprint: 'f1' }]));
    expect(response.status).toBe(404);
  });
});
