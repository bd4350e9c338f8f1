import { afterAll, describe, expect, it } from 'vitest';
import { isGroupAlive } from '../../src/infra/run/process-group.js';
import { waitUntil } from '../support/wait.js';
import { isAlive, killProcessesIn, processesIn, processGroupOf } from './support/processes.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import { openPrompts } from './support/prompts.js';
import { people } from './support/rehearsal.js';

// 24 h of canary soak in 6 s.
const timeScale = '14400';
/** The migration script itself (not npm, nor the shell npm starts it with). */
const isMigrationScript = (command: string) => /^\S*node scripts\/migrate\.mjs\b/.test(command);

describe('the bot process alone SIGKILLed during a step (its command in its own process group survives it)', () => {
  let p: Product | undefined;
  afterAll(async () => {
    if (p) await killProcessesIn(p.workspace.dir);
    await p?.close();
  });

  it('kills the orphaned command before calling the step interrupted, and a retry runs exactly one copy', async () => {
    p = await startProduct({ timeScale, env: realTimeDecisions });
    const product = p;
    await product.workspace.hang('migrate');
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });

    // Watches the whole test: how many copies of the migration ran at once, and whether the first
    // attempt was ever called interrupted while its process group still had a live process.
    let maxConcurrent = 0;
    const violations: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const scripts = (await processesIn(product.workspace.dir)).filter((proc) =>
          isMigrationScript(proc.command),
        );
        // Counted by process group: a child forked by the script (its sleep, before exec) shows
        // the script's command line for an instant, but it is the same copy of the command.
        const groups = new Set(
          (await Promise.all(scripts.map((proc) => processGroupOf(proc.pid)))).filter(
            (group) => group !== undefined,
          ),
        );
        maxConcurrent = Math.max(maxConcurrent, groups.size);
        const first = (
          await product.db
            .query<{ status: string; process_group: number | null }>(
              `SELECT status, process_group FROM step_runs WHERE deployment_id = 1 AND step_id = 'migrations' AND attempt = 1`,
            )
            .catch(() => ({ rows: [] }))
        ).rows[0];
        if (
          first?.status === 'interrupted' &&
          first.process_group &&
          (await isGroupAlive(first.process_group))
        )
          violations.push(`attempt 1 interrupted while process group ${first.process_group} was alive`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    try {
      const sleeper = await waitUntil(
        async () => (await processesIn(product.workspace.dir)).find((proc) => proc.command === 'sleep 300'),
        { timeoutMs: 60_000, label: 'the hanging migration to start its sleep 300' },
      );
      const run = await waitUntil(
        async () =>
          (
            await product.db.query<{
              id: number;
              status: string;
              process_group: number | null;
              owner_pid: number;
            }>(
              `SELECT id, status, process_group, owner_pid FROM step_runs
                WHERE deployment_id = 1 AND step_id = 'migrations' AND process_group IS NOT NULL`,
            )
          ).rows[0],
        { timeoutMs: 10_000, label: 'the migration run to record its process group' },
      );
      expect(run.status).toBe('running');
      expect(await product.workspace.invocations()).toContain('migrate');
      const firstPid = product.app.child?.pid;
      expect(run.owner_pid).toBe(firstPid);
      const group = run.process_group as number;

      await product.app.kill();
      // The command outlived the bot: that is what the next process has to deal with.
      expect(await isGroupAlive(group), 'the step command survived the bot').toBe(true);
      expect(await isAlive(sleeper.pid)).toBe(true);
      expect(
        (await product.db.query('SELECT status FROM step_runs WHERE id = $1', [run.id])).rows[0]?.status,
      ).toBe('running');

      await product.app.boot();
      const prompt = await waitUntil(
        () =>
          openPrompts(product.slack).find(
            (candidate) =>
              candidate.message.text.includes('was interrupted') &&
              candidate.buttons.some((b) => b.actionId === 'step_retry'),
          ),
        { timeoutMs: 60_000, label: 'the "was interrupted" prompt after the restart' },
      );
      // By the time anyone is asked, the orphaned command is gone, grandchild sleep included.
      expect(await isGroupAlive(group), `process group ${group} after the interrupted prompt`).toBe(false);
      expect(await isAlive(sleeper.pid)).toBe(false);
      const interrupted = (
        await product.db.query<{ status: string; process_group: number | null }>(
          'SELECT status, process_group FROM step_runs WHERE id = $1',
          [run.id],
        )
      ).rows[0];
      expect(interrupted).toEqual({ status: 'interrupted', process_group: group });

      await product.workspace.heal('migrate');
      const retry = prompt.buttons.find((b) => b.actionId === 'step_retry');
      const reply = await product.client.action('step_retry', retry?.value ?? '', {
        user: people.lead,
        messageTs: prompt.message.ts,
        channel: 'C_DEPLOY',
      });
      expect(reply.status).toBe(200);

      await waitUntil(
        async () => ['soaking', 'awaiting_promotion'].includes((await product.deploymentState(1)) ?? ''),
        { timeoutMs: 60_000, label: 'the canary soak after the retry' },
      );
    } finally {
      sampling = false;
      await sampler;
    }

    console.info(`most copies of the migration running at once: ${maxConcurrent}; log: ${product.logFile}`);
    expect(violations, 'called interrupted while its command was alive').toEqual([]);
    const invocations = await product.workspace.invocations();
    expect(
      invocations.filter((line) => line === 'migrate'),
      'the migration ran twice: once cut off, once retried',
    ).toHaveLength(2);
    expect(maxConcurrent, 'never two copies of the migration at once').toBe(1);
    const attempts = await product.db.query<{
      attempt: number;
      status: string;
      started_at: Date;
      finished_at: Date;
    }>(
      `SELECT attempt, status, started_at, finished_at FROM step_runs
        WHERE deployment_id = 1 AND step_id = 'migrations' ORDER BY attempt`,
    );
    expect(attempts.rows.map(({ attempt, status }) => ({ attempt, status }))).toEqual([
      { attempt: 1, status: 'interrupted' },
      { attempt: 2, status: 'succeeded' },
    ]);
    const [first, second] = attempts.rows;
    expect(second?.started_at.getTime() ?? 0).toBeGreaterThan(first?.finished_at.getTime() ?? Infinity);
    expect(await processesIn(product.workspace.dir), 'nothing left running in the workspace').toEqual([]);
  });
});
