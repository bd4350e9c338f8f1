import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { checkInsShownBy } from '../support/check-in-messages.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

/** A plan whose health check step expects `"ok":true` instead of the sample's "status". */
const expectsOkTrue = (plan: Plan): Plan => ({
  ...plan,
  steps: plan.steps.map((step) =>
    step.run.kind === 'http_check'
      ? ({ ...step, run: { ...step.run, expectBodyContains: '"ok":true' } } as typeof step)
      : step,
  ),
});

describe("the plan's health check in check-ins and monitors", () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const checkIns = () => {
    const root = h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
    return root
      ? h.slack.thread('C_DEPLOY', root.ts).filter((m: FakeMessage) => checkInsShownBy(m.text).length > 0)
      : [];
  };

  it('an endpoint answering {"ok":true} is green for a plan that expects "ok":true, shown once', async () => {
    // People decide in real time: the go/no-go deadline (30 minutes) does not hold the deployment.
    h = await startHarness({
      plan: expectsOkTrue,
      env: { TIME_SCALE: '3600', REHEARSAL_DECISION_SCALE: '1' },
    });
    // The health endpoint answers 200 {"ok":true}: no "status" anywhere in its body.
    h.health.fail(200, '{"ok":true}');
    await h.client.command('start v4.0.0', { user: users.lead });
    const first = await waitUntil(() => checkIns()[0], { timeoutMs: 30_000, label: 'the first check-in' });
    const blocks = JSON.stringify(first.blocks);
    // All green: one line with the key figures, the health check among them (issue #16, compact check-ins).
    expect(blocks).toContain('all within limits');
    expect(blocks).toContain('Health check up');
    expect(blocks).not.toMatch(/:red_circle:[^"]*Health check/);
    // Once: the up/down monitor of the same URL carries the plan's health check.
    expect(blocks.match(/Health check/g)).toHaveLength(1);
    // The verification step and the monitors agree: no health alert was raised.
    expect(h.slack.messages('C_DEPLOY').some((m) => m.text.includes('Health check is beyond'))).toBe(false);
    const samples = async () =>
      (
        await h.db.query<{ status: string }>(
          `SELECT status FROM metric_samples WHERE deployment_id = 1 AND metric_id = 'health_check'`,
        )
      ).rows;
    await waitUntil(async () => (await samples()).length > 0, { label: 'a health monitor sample' });
    const health = { rows: await samples() };
    expect(health.rows.every((row) => row.status === 'ok')).toBe(true);
  });
});
