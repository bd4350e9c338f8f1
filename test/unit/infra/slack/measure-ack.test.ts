import { describe, expect, it } from 'vitest';
import { measureAck } from '../../../../src/infra/slack/measure-ack.js';
import { createMetrics, type Metrics } from '../../../../src/infra/web/metrics.js';

/** Runs the middleware on one request body, acking it, as Bolt would. */
async function handle(metrics: Metrics, body: Record<string, unknown>) {
  const args = {
    body,
    ack: async () => undefined,
    next: async () => {
      await (args as unknown as { ack: () => Promise<void> }).ack();
    },
  };
  // A partial of Bolt's arguments: the middleware reads only body, ack and next.
  await measureAck(metrics)(args as never);
}

/** The `name` label values of a metric in what /metrics serves. */
async function names(metrics: Metrics, metric: string): Promise<Set<string>> {
  const text = await metrics.registry.metrics();
  const values = [
    ...text.matchAll(new RegExp(`^${metric}(?:_bucket|_count|_sum)?\\{[^}]*name="([^"]*)"`, 'gm')),
  ];
  return new Set(values.map((match) => match[1] as string));
}

describe('ack latency and request metrics are labelled by subcommand, never by free text', () => {
  it('50 different garbage commands add at most one label value', async () => {
    const metrics = createMetrics();
    await handle(metrics, { command: '/deploy', text: 'status' });
    const before = await names(metrics, 'stagecoach_ack_latency_seconds');
    for (let i = 0; i < 50; i++) {
      await handle(metrics, { command: '/deploy', text: `garbage-${i}-${'z'.repeat(i)} with more words` });
    }
    for (const metric of ['stagecoach_ack_latency_seconds', 'stagecoach_slack_requests_total']) {
      const after = await names(metrics, metric);
      expect(after.size, metric).toBeLessThanOrEqual(before.size + 1);
      expect([...after].sort(), metric).toEqual(['status', 'unknown']);
    }
  });

  it('names a known subcommand by its grammar word, whatever follows it; empty text is help', async () => {
    const metrics = createMetrics();
    for (const text of ['start v4.0.0 to staging', 'START v9.9.9', 'role qa_lead remove <@U1>', '', '  ']) {
      await handle(metrics, { command: '/deploy', text });
    }
    expect([...(await names(metrics, 'stagecoach_ack_latency_seconds'))].sort()).toEqual([
      'help',
      'role',
      'start',
    ]);
  });

  it('labels a click by its action id only when the app defines it', async () => {
    const metrics = createMetrics();
    const click = (actionId: unknown) =>
      handle(metrics, { type: 'block_actions', actions: [{ action_id: actionId }] });
    await click('stage_promote');
    for (let i = 0; i < 20; i++) await click(`forged_${i}`);
    await click(42);
    expect([...(await names(metrics, 'stagecoach_slack_requests_total'))].sort()).toEqual([
      'stage_promote',
      'unknown',
    ]);
  });
});
