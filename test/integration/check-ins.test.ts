import { afterEach, describe, expect, it } from 'vitest';
import { checkInMessageCounts, checkInsShownBy } from '../support/check-in-messages.js';
import { startFakePrometheus } from '../support/fake-prometheus.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { sayGo } from '../support/go-no-go.js';
import { type Harness, healthyValue, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// 30 minutes pass in 1 s (time enough to say go, and to answer check-in 1, on a busy machine); the
// canary's 24 h soak (48 s) outlasts the 6 h of check-ins (12 s). People's time is compressed like
// the rest (no REHEARSAL_DECISION_SCALE): an unanswered check-in is missed when the next one comes.
const timeScale = 1800;

describe('check-ins', () => {
  let h: Harness;
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  afterEach(async () => {
    await h?.close();
    await prometheus?.close();
  });

  const checkIns = () => {
    const root = h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
    return root
      ? h.slack.thread('C_DEPLOY', root.ts).filter((m: FakeMessage) => checkInsShownBy(m.text).length > 0)
      : [];
  };

  it('shows each of the 12 check-ins once, about 30 scaled minutes apart with figures from the metrics source, and pages after misses', async () => {
    prometheus = await startFakePrometheus({
      http_request_duration_seconds_bucket: 0.412,
      'status=~"5.."': 0.0042,
      node_cpu_seconds_total: 0.31,
    });
    h = await startHarness({ env: { TIME_SCALE: String(timeScale), PROMETHEUS_URL: prometheus.url } });
    // Every other monitor answers too (the three above match first): a check-in with everything
    // within limits shows its key figures in one line.
    for (const metric of h.plan.monitoring.metrics) {
      if (metric.query) prometheus.set(metric.query, healthyValue(metric));
    }
    const memory = h.plan.monitoring.metrics.find((m) => m.id === 'memory')?.query as string;
    await h.client.command('start v4.0.0', { user: users.lead });
    // The lead says go before the plan's go/no-go deadline (30 minutes: 1 s here) holds the deployment.
    await sayGo(h);
    // Answer the first one as soon as it shows; leave the others unanswered.
    const first = await waitUntil(() => checkIns().find((m) => m.text.includes('Check-in 1/12')), {
      timeoutMs: 20_000,
      label: 'first check-in',
    });
    const ok = first.blocks
      .find((b: { type: string }) => b.type === 'actions')
      .elements.find((e: { action_id: string }) => e.action_id === 'checkin_ok');
    await h.client.action('checkin_ok', ok.value, { user: users.lead, messageTs: first.ts });

    // Then one monitor stops answering: later check-ins say so instead of making a figure up.
    const shown = () => checkInMessageCounts(checkIns());
    await waitUntil(() => shown().has(6), {
      timeoutMs: 30_000,
      label: 'check-in 6',
    });
    prometheus.set(memory, undefined);
    await waitUntil(() => shown().size >= 12, { timeoutMs: 30_000, label: '12 check-ins' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const all = checkIns();
    // Every check-in reached Slack once; the quiet unanswered ones share a message, edited as each came.
    expect([...shown()].sort((a, b) => a[0] - b[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, 1]),
    );
    expect(all.length).toBeLessThan(12);

    // Due every 30 scaled minutes from the first traffic shift, and each fired close to its time.
    const timers = (
      await h.db.query(
        `SELECT fire_at AS "fireAt", fired_at AS "firedAt" FROM timers WHERE kind = 'check_in' ORDER BY fire_at`,
      )
    ).rows;
    const expected = (30 * 60_000) / timeScale;
    const gaps = timers.slice(1).map((t, i) => t.fireAt.getTime() - timers[i].fireAt.getTime());
    expect(gaps.every((gap) => Math.abs(gap - expected) <= 2)).toBe(true);
    const lateness = timers.map((t) => t.firedAt.getTime() - t.fireAt.getTime());
    expect(Math.max(...lateness)).toBeLessThan(2_000);

    const checkIn = (n: number) => all.find((m) => checkInsShownBy(m.text).includes(n));
    const quiet = checkIn(4);
    expect(quiet?.text).toMatch(/Check-ins 2–\d+\/12 at/);
    const figures = JSON.stringify(quiet?.blocks);
    expect(figures).toContain('all within limits');
    expect(figures).toContain('412 ms');
    expect(figures).toContain('0.42%');
    expect(figures).not.toMatch(/no data/);
    const last = JSON.stringify(checkIn(12)?.blocks);
    expect(last).toContain('0 over threshold, 1 without data');
    expect(last).toMatch(/\*Server memory usage\*: no data/);
    expect(last).toMatch(/\d+ other checks within limits/);
    expect(prometheus.queries.some((q) => q.includes('node_cpu_seconds_total'))).toBe(true);

    const decidedFirst = h.slack.messages('C_DEPLOY').find((m) => m.ts === first.ts);
    expect(decidedFirst?.text).toMatch(/All good by <@ULEAD> at <!date\^\d+\^/);
    // The answered check-in keeps a message of its own; the quiet ones after it say which went unanswered.
    expect(checkIn(1)?.ts).not.toBe(quiet?.ts);
    expect(figures).toMatch(/Check-ins 2–\d+ went unanswered/);
    const pages = h.slack
      .messages('C_DEPLOY')
      .filter((m) => !m.thread_ts && m.text.includes('check-ins in a row went unanswered'));
    expect(pages.length).toBeGreaterThan(0);
    expect(pages[0]?.text).toContain('<@ULEAD>');
    // The page opens the thread where the check-in waits for its answer, in one click.
    const root = h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
    const link = pages[0]?.blocks.find((b: { block_id?: string }) => b.block_id === 'thread-link');
    expect(link?.elements[0]?.url).toBe(
      `https://stagecoach-test.slack.com/archives/C_DEPLOY/p${root?.ts.replace('.', '')}`,
    );
  });
});
