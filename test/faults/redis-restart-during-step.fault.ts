import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import type { RawPlan } from './support/plan-file.js';
import { killProcessesIn } from './support/processes.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import { people, repeatedInvocations } from './support/rehearsal.js';

// 24 h of canary soak in 6 s: the promotion prompt comes soon after the steps.
const timeScale = '14400';
/** How long the migrations step runs: long enough for several reconciler ticks (every 5 s) after Redis is back. */
const stepSeconds = 20;
const outageMs = 3_000;

/**
 * The migrations step as a slow command that records itself in .invocations.log (so "ran once"
 * is countable) and says it changed the schema, as `npm run migrate` does.
 */
const slowMigrations = (plan: RawPlan) => {
  const step = plan.steps.find((s: { id: string }) => s.id === 'migrations');
  step.run.command = [
    'sh',
    '-c',
    `echo "slow-migrate $$" >> .invocations.log; sleep ${stepSeconds}; echo "schema changed: yes"`,
  ];
};

describe('Redis killed and restarted EMPTY while a long step runs (a private redis-server, no persistence)', () => {
  let p: Product | undefined;
  afterAll(async () => {
    if (p) await killProcessesIn(p.workspace.dir);
    await p?.close();
  });

  it('runs the step once and the rollout continues', async () => {
    p = await startProduct({ timeScale, editPlan: slowMigrations, env: realTimeDecisions });
    const product = p;
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });

    const run = await waitUntil(
      async () => {
        const logged = (await product.workspace.invocations()).some((line) =>
          line.startsWith('slow-migrate'),
        );
        if (!logged) return undefined;
        return (
          await product.db.query<{ id: number; status: string; owner_pid: number | null }>(
            `SELECT id, status, owner_pid FROM step_runs WHERE deployment_id = 1 AND step_id = 'migrations' AND status = 'running'`,
          )
        ).rows[0];
      },
      { timeoutMs: 60_000, label: 'the slow migrations step to start its command' },
    );
    expect(run.owner_pid, 'the claim records the product process as its owner').toBe(product.app.child?.pid);

    // Every status the run shows from here on: it must never be called interrupted.
    const seen = new Set<string>();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const row = (
          await product.db
            .query<{ status: string }>('SELECT status FROM step_runs WHERE id = $1', [run.id])
            .catch(() => ({ rows: [] }))
        ).rows[0];
        if (row) seen.add(row.status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await product.redis.stop();
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    await product.redis.start();
    const upAt = Date.now();

    // The new Redis knows nothing of the step's job, so no BullMQ lock vouches for it.
    const redis = new Redis(product.redis.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.exists(`faults:steps:step-${run.id}`), 'the step job is gone from Redis').toBe(0);
      expect(await redis.exists(`faults:steps:step-${run.id}:lock`), 'and so is its lock').toBe(0);
    } finally {
      redis.disconnect();
    }

    const finished = await waitUntil(
      async () =>
        (
          await product.db.query<{ status: string; attempt: number; finished_at: Date }>(
            'SELECT status, attempt, finished_at FROM step_runs WHERE id = $1 AND finished_at IS NOT NULL',
            [run.id],
          )
        ).rows[0],
      { timeoutMs: (stepSeconds + 30) * 1_000, label: 'the slow migrations step to finish' },
    );
    sampling = false;
    await sampler;
    console.info(
      `step finished ${finished.finished_at.getTime() - upAt} ms after Redis came back; statuses seen: ${[...seen]}; log: ${product.logFile}`,
    );
    expect(finished.status, 'the live step was never called interrupted').toBe('succeeded');
    // It outlived Redis's return by more than two reconciler ticks (every 5 s), all without a lock.
    expect(finished.finished_at.getTime() - upAt).toBeGreaterThan(10_000);
    expect(
      [...seen].filter((status) => status !== 'running' && status !== 'succeeded'),
      'statuses the run showed besides running and succeeded',
    ).toEqual([]);

    // The rollout continues: the canary soaks and then asks for promotion.
    await waitUntil(
      async () =>
        ['soaking', 'awaiting_promotion'].includes((await product.deploymentState(1)) ?? '') &&
        (await product.deploymentState(1)),
      { timeoutMs: 30_000, label: 'the canary soak after the slow step' },
    );
    const prompt = await waitUntil(
      () =>
        product.slack
          .callsOf('chat.postMessage')
          .find((call) => /Promote to \*50%\*/.test(String(call.args.text))),
      { timeoutMs: 45_000, label: 'the promotion prompt' },
    );
    expect(prompt).toBeDefined();
    expect(await product.deploymentState(1)).toBe('awaiting_promotion');
    expect(product.app.child?.exitCode ?? null, 'the product kept running').toBeNull();

    // Ran exactly once: one invocation, one attempt, no interruption anywhere.
    const invocations = await product.workspace.invocations();
    expect(invocations.filter((line) => line.startsWith('slow-migrate'))).toHaveLength(1);
    expect(repeatedInvocations(invocations), 'commands run more than once').toEqual([]);
    const attempts = await product.db.query<{ attempt: number; status: string }>(
      `SELECT attempt, status FROM step_runs WHERE deployment_id = 1 AND step_id = 'migrations' ORDER BY attempt`,
    );
    expect(attempts.rows).toEqual([{ attempt: 1, status: 'succeeded' }]);
    const interruptedPrompts = await product.db.query(
      `SELECT 1 FROM prompts WHERE deployment_id = 1 AND kind = 'step_interrupted'`,
    );
    expect(interruptedPrompts.rowCount, 'no step_interrupted prompt').toBe(0);
    const interruptedAudit = await product.db.query(
      `SELECT 1 FROM audit_log WHERE deployment_id = 1 AND action = 'step_interrupted'`,
    );
    expect(interruptedAudit.rowCount).toBe(0);
    expect(
      product.slack.messages('C_DEPLOY').filter((m) => m.text.includes('was interrupted')),
      'no "was interrupted" message in the channel',
    ).toEqual([]);
    const others = await product.db.query<{ step_id: string; status: string }>(
      `SELECT step_id, status FROM step_runs WHERE deployment_id = 1 AND status <> 'succeeded' ORDER BY id`,
    );
    expect(others.rows, 'every plan step succeeded').toEqual([]);
  });
});
