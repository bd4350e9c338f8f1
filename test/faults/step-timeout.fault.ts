import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';
import { isAlive, processesIn } from './support/processes.js';

// Smoke tests (npm → sh → node → sleep) get 3 s instead of 20 minutes.
const timeoutMs = 3_000;
const shortSmokeTimeout = (plan: Plan): Plan => ({
  ...plan,
  steps: plan.steps.map((step) => (step.id === 'smoke_tests' ? { ...step, timeout: timeoutMs } : step)),
});

describe('a step that hangs past its timeout', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('is marked timed out and its whole process tree is gone, grandchild sleep included', async () => {
    // People decide in real time: the go/no-go deadline (30 minutes) cannot hold the hung step.
    h = await startHarness({
      plan: shortSmokeTimeout,
      env: { TIME_SCALE: '3600', REHEARSAL_DECISION_SCALE: '1' },
    });
    await h.workspace.hang('test-smoke');
    await h.client.command('start v4.0.0', { user: users.lead });

    const sleeper = await waitUntil(
      async () => (await processesIn(h.workspace.dir)).find((p) => p.command === 'sleep 300'),
      {
        timeoutMs: 60_000,
        intervalMs: 50,
        label: 'the hanging smoke test to start its sleep 300',
      },
    );
    const tree = await processesIn(h.workspace.dir);
    expect(tree.length).toBeGreaterThanOrEqual(2);

    const run = await waitUntil(
      async () =>
        (
          await h.db.query<{ status: string; summary: string; ms: number }>(
            `SELECT status, summary, extract(epoch FROM (finished_at - started_at)) * 1000 AS ms
             FROM step_runs WHERE deployment_id = 1 AND step_id = 'smoke_tests' AND finished_at IS NOT NULL`,
          )
        ).rows[0],
      { timeoutMs: 30_000, label: 'the smoke step to finish' },
    );
    expect(run.status).toBe('timed_out');
    expect(run.summary).toMatch(/timed out after 3s; process tree killed/);
    // SIGTERM at the timeout, SIGKILL after a 2 s grace at worst.
    expect(Number(run.ms)).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(Number(run.ms)).toBeLessThan(timeoutMs + 5_000);

    expect(await isAlive(sleeper.pid)).toBe(false);
    for (const p of tree) expect(await isAlive(p.pid), `${p.pid} ${p.command}`).toBe(false);
    expect(await processesIn(h.workspace.dir)).toEqual([]);

    await h.waitForState(1, 'step_failed');
    const failed = await waitUntil(
      () => h.slack.messages('C_DEPLOY').find((m) => m.text.includes('failed: *Run smoke tests*')),
      {
        label: 'the failure prompt',
      },
    );
    expect(failed.text).toContain('timed out after 3s');
    // Nothing after the hung step ran.
    const invocations = await h.workspace.invocations();
    expect(invocations.at(-1)).toMatch(/^test-smoke /);
  });
});
