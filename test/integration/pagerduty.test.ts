import { afterEach, describe, expect, it } from 'vitest';
import { startFakePagerDuty } from '../support/fake-pagerduty.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const routingKey = 'R0UTINGKEY0123456789ABCDEFGHIJKL';

// Issue #18: every page also reaches PagerDuty, once, and is resolved when answered in Slack.
describe('paging through PagerDuty (Events API v2)', () => {
  let h: Harness | undefined;
  let pd: Awaited<ReturnType<typeof startFakePagerDuty>> | undefined;
  afterEach(async () => {
    await h?.close();
    await pd?.close();
    h = undefined;
    pd = undefined;
  });

  it('the go/no-go deadline passing triggers one incident per cause; resuming in Slack resolves it; 429s are retried', async () => {
    pd = await startFakePagerDuty(routingKey);
    const fake = pd;
    // The first answer is a 429: the outbox must retry it, not lose the page.
    fake.rateLimitNext(1);
    // TIME_SCALE alone: the 30-minute deadline passes in a moment and the deployment is held.
    h = await startHarness({
      env: { TIME_SCALE: '3600', PAGERDUTY_ROUTING_KEY: routingKey, PAGERDUTY_EVENTS_URL: fake.url },
    });
    const harness = h;
    await harness.client.command('start v4.0.0', { user: users.lead });
    await harness.waitForState(1, 'held', 20_000);

    const trigger = await waitUntil(() => fake.events.find((e) => e.event_action === 'trigger'), {
      label: 'a PagerDuty trigger',
    });
    expect(trigger.dedup_key).toBe('stagecoach-page-1-go-no-go');
    expect(trigger.payload).toMatchObject({
      source: 'stagecoach/production',
      severity: 'error',
      custom_details: { deployment: 1, version: 'v4.0.0', cause: 'go-no-go' },
    });
    expect(trigger.payload?.summary).toMatch(/go\/no-go deadline passed without a decision on deployment #1/);
    // The Slack page says the same, once.
    const pages = () =>
      harness.slack.messages('C_DEPLOY').filter((m) => !m.thread_ts && m.text.includes('go/no-go deadline'));
    await waitUntil(() => pages().length === 1, { label: 'the Slack page' });

    await harness.client.command('resume', { user: users.lead });
    await waitUntil(() => fake.events.some((e) => e.event_action === 'resolve'), {
      label: 'the resolve event',
    });
    expect(fake.incidents.get('stagecoach-page-1-go-no-go')).toBe('resolved');
    // In Slack the page is resolved in place, not posted again.
    await waitUntil(
      () => pages().length === 1 && pages()[0]?.text.startsWith(':white_check_mark: Resolved'),
      {
        label: 'the Slack page to show resolved',
      },
    );
    await harness.outboxDrained();
    expect(fake.events.filter((e) => e.event_action === 'trigger')).toHaveLength(1);
    expect(fake.events.filter((e) => e.event_action === 'resolve')).toHaveLength(1);
  });

  it('without PAGERDUTY_ROUTING_KEY nothing is sent and nothing waits in the outbox', async () => {
    h = await startHarness({ env: { TIME_SCALE: '3600' } });
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'held', 20_000);
    await h.outboxDrained();
    const rows = await h.db.query(`SELECT 1 FROM notifications WHERE channel = 'pagerduty'`);
    expect(rows.rowCount).toBe(0);
  });
});
