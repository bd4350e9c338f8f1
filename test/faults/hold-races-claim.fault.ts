import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import { manyEnvironments } from './support/plan-file.js';
import { createPrng, seedFromEnv } from './support/prng.js';
import { killProcessesIn } from './support/processes.js';
import { type Product, startProduct } from './support/product.js';
import { people } from './support/rehearsal.js';

/**
 * Where each round aims its hold: the hold's commit this many ms after the first step's commit
 * (which enqueues the backup job), plus up to 3 ms of seeded jitter. The backup is claimed some
 * 10-40 ms after that commit, so most rounds aim inside that window; a few aim just before it. The
 * hold is sent early by its own measured latency (HTTP, Bolt, the deciding transaction: 20-60 ms,
 * longer than the claim), aimed from the moment the first step's command logs its start and the
 * time its commit took after that in earlier rounds.
 */
const holdTargets = [-15, -5, 0, 3, 6, 9, 12, 15, 18, 21, 25, 30, 40];
/** Round 1 only calibrates: the hold is sent once the first step's commit is seen. */
const rounds = holdTargets.length + 1;

interface Round {
  deploymentId: number;
  /** Where the hold was aimed, relative to the first step's commit (undefined: the calibration round). */
  targetMs: number | undefined;
  /** Where it landed: the hold's transaction after the first step's, in ms (Postgres clock). */
  holdAfterMs: number;
  /** The backup's claim after the first step's commit, in ms. */
  claimAfterMs: number;
  /** The hold before the first step's outcome (backup queued on resume), before the claim (claim deferred), or after it. */
  winner: 'hold before step 1' | 'hold' | 'claim';
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('a hold racing a step claim (the backup step, right as its job arrives)', () => {
  let p: Product | undefined;
  afterAll(async () => {
    if (p) await killProcessesIn(p.workspace.dir);
    await p?.close();
  });

  it('never cancels the step and never skips the backup', async () => {
    const seed = seedFromEnv();
    const prng = createPrng(seed);
    console.info(`hold-races-claim seed ${seed} (replay with FAULT_SEED=${seed})`);
    p = await startProduct({
      // Real time: a deployment that got past its steps sits in its 24 h soak, quietly, and the
      // plan's 30-minute go/no-go deadline is far beyond this test.
      timeScale: '1',
      editPlan: manyEnvironments(rounds),
    });
    const product = p;
    await product.app.boot();
    // One connection of our own, polled tightly, to see the first step's commit.
    const watcher = await product.db.connect();
    const firstStep = async (deploymentId: number) =>
      (
        await watcher.query<{ status: string }>(
          `SELECT status FROM step_runs WHERE deployment_id = $1 AND step_id = 'verification_tests'`,
          [deploymentId],
        )
      ).rows[0];
    const played: Round[] = [];
    /** Measured in earlier rounds: the first step's commit after its command started, and the hold's latency. */
    const commitAfterRunnerMs: number[] = [];
    const holdLatencyMs: number[] = [];
    try {
      for (let index = 0; index < rounds; index++) {
        const deploymentId = index + 1;
        const target = index === 0 ? undefined : (holdTargets[index - 1] as number) + prng.between(0, 3);
        const started = await product.client.command(`start v4.0.0 to env-${deploymentId}`, {
          user: people.lead,
        });
        expect(started.status).toBe(200);
        // Every round waits for the first step's command to log its start (seen on our clock); an
        // aimed round then fires at its planned moment, the calibration round once the step's commit is seen.
        const runnerSeenAt = await waitUntil(
          async () =>
            (await product.workspace.invocations()).filter((line) => line.startsWith('phase5-test-runner'))
              .length >= deploymentId && Date.now(),
          {
            timeoutMs: 30_000,
            intervalMs: 1,
            label: `deployment #${deploymentId}: the first step's command`,
          },
        );
        if (target === undefined) {
          await waitUntil(
            async () => {
              const first = await firstStep(deploymentId);
              return first && first.status !== 'pending' && first.status !== 'running';
            },
            {
              timeoutMs: 30_000,
              intervalMs: 1,
              label: `deployment #${deploymentId}: the first step's outcome`,
            },
          );
        } else {
          const fireAt =
            runnerSeenAt +
            (median(commitAfterRunnerMs) as number) +
            target -
            (median(holdLatencyMs) as number);
          if (fireAt > Date.now()) await new Promise((resolve) => setTimeout(resolve, fireAt - Date.now()));
        }
        // `/deploy hold` and `/deploy resume` act on the newest active deployment: this one.
        const sentAt = Date.now();
        const held = await product.client.command('hold racing the backup claim', { user: people.lead });
        expect(held.status).toBe(200);
        await waitUntil(async () => (await product.deploymentState(deploymentId)) === 'held', {
          timeoutMs: 10_000,
          label: `deployment #${deploymentId} to be held`,
        });
        await new Promise((resolve) => setTimeout(resolve, prng.between(50, 300)));
        const resumed = await product.client.command('resume', { user: people.lead });
        expect(resumed.status).toBe(200);
        await waitUntil(
          async () =>
            (
              await product.db.query(
                `SELECT 1 FROM step_runs WHERE deployment_id = $1 AND step_id = 'build' AND status = 'succeeded'`,
                [deploymentId],
              )
            ).rowCount === 1,
          { timeoutMs: 30_000, label: `deployment #${deploymentId} to run its build after the resume` },
        );
        const timing = (
          await product.db.query<{
            claim_ms: number;
            hold_ms: number;
            step_status: string;
            step_at: Date;
            hold_at: Date;
          }>(
            `SELECT extract(epoch FROM (b.started_at - v.finished_at)) * 1000 AS claim_ms,
                    extract(epoch FROM (h.created_at - v.finished_at)) * 1000 AS hold_ms,
                    v.status AS step_status, v.finished_at AS step_at, h.created_at AS hold_at
               FROM step_runs b, step_runs v, audit_log h
              WHERE b.deployment_id = $1 AND b.step_id = 'database_backup'
                AND v.deployment_id = $1 AND v.step_id = 'verification_tests'
                AND h.deployment_id = $1 AND h.action = 'hold'`,
            [deploymentId],
          )
        ).rows[0];
        const holdAfterMs = Number(timing?.hold_ms);
        const claimAfterMs = Number(timing?.claim_ms);
        expect(timing?.step_status, `deployment #${deploymentId}: the first step`).toBe('succeeded');
        if (timing) {
          commitAfterRunnerMs.push(timing.step_at.getTime() - runnerSeenAt);
          holdLatencyMs.push(timing.hold_at.getTime() - sentAt);
        }
        played.push({
          deploymentId,
          targetMs: target === undefined ? undefined : Math.round(target),
          holdAfterMs: Math.round(holdAfterMs),
          claimAfterMs: Math.round(claimAfterMs),
          winner: holdAfterMs < 0 ? 'hold before step 1' : holdAfterMs < claimAfterMs ? 'hold' : 'claim',
        });
        // Held for good, so it stops competing with the next round.
        await product.client.command('hold parked after its round', { user: people.lead });
        await waitUntil(async () => (await product.deploymentState(deploymentId)) === 'held', {
          timeoutMs: 10_000,
          label: `deployment #${deploymentId} to be parked`,
        });
      }
    } finally {
      watcher.release();
    }
    const count = (winner: Round['winner']) => played.filter((round) => round.winner === winner).length;
    console.info(
      `seed ${seed}; the hold came before step 1 in ${count('hold before step 1')} rounds, before the claim in ${count('hold')}, after it in ${count('claim')}; first step's commit ${median(commitAfterRunnerMs)} ms after its command started, hold latency ${median(holdLatencyMs)} ms (medians); rounds: ${JSON.stringify(played)}; log: ${product.logFile}`,
    );

    const backups = await product.db.query<{ deployment_id: number; status: string; runs: number }>(
      `SELECT deployment_id::int, string_agg(status, ',' ORDER BY attempt) AS status, count(*)::int AS runs
         FROM step_runs WHERE step_id = 'database_backup' GROUP BY deployment_id ORDER BY deployment_id`,
    );
    expect(backups.rows, `seed ${seed}: the backup ran exactly once in every deployment`).toEqual(
      Array.from({ length: rounds }, (_, i) => ({ deployment_id: i + 1, status: 'succeeded', runs: 1 })),
    );
    const withoutBackup = await product.db.query<{ id: number }>(
      `SELECT id::int FROM deployments WHERE backup_file IS NULL ORDER BY id`,
    );
    expect(withoutBackup.rows, `seed ${seed}: deployments without a backup file`).toEqual([]);
    const cancelled = await product.db.query<{ deployment_id: number; step_id: string }>(
      `SELECT deployment_id::int, step_id FROM step_runs WHERE status = 'cancelled' ORDER BY id`,
    );
    expect(cancelled.rows, `seed ${seed}: step runs cancelled by a hold`).toEqual([]);
    const ended = await product.db.query(
      `SELECT 1 FROM deployments WHERE state IN ('completed', 'aborted', 'rolled_back', 'step_failed')`,
    );
    expect(ended.rowCount, `seed ${seed}: deployments that ended or failed`).toBe(0);
  });
});
