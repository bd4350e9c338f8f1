import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import {
  type PrivatePostgres,
  privatePostgresUnavailable,
  startPrivatePostgres,
} from './support/private-postgres.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import {
  checkInPosts,
  driveToCompletion,
  people,
  repeatedInvocations,
  successWindowWaitMs,
} from './support/rehearsal.js';

// 24 h of canary soak in 15 s: Postgres restarts inside it.
const timeScale = '5760';
const downMs = 10_000;

const unavailable = await privatePostgresUnavailable();
if (unavailable)
  console.warn(
    `postgres restart test skipped: ${unavailable} (it only ever restarts a cluster it created itself)`,
  );

describe.skipIf(unavailable !== undefined)(
  'Postgres restarted during a soak (a private cluster on a free port)',
  () => {
    let pg: PrivatePostgres | undefined;
    let p: Product | undefined;
    beforeAll(async () => {
      pg = await startPrivatePostgres();
      const { migrate } = await import('../../src/infra/db/migrate.js');
      const { ensureDatabase } = await import('../../src/infra/db/ensure-database.js');
      const url = pg.url('stagecoach_faults');
      await ensureDatabase(url);
      const { default: pgLib } = await import('pg');
      const pool = new pgLib.Pool({ connectionString: url });
      await migrate(pool);
      await pool.end();
    });
    afterAll(async () => {
      await p?.close();
      await pg?.close();
    });

    it('keeps running, answers while it is down, and completes the rehearsal afterwards', async () => {
      const cluster = pg as PrivatePostgres;
      p = await startProduct({
        timeScale,
        env: realTimeDecisions,
        databaseUrl: cluster.url('stagecoach_faults'),
      });
      const product = p;
      await product.app.boot();
      await product.client.command('start v4.0.0', { user: people.lead });
      await waitUntil(async () => (await product.deploymentState(1)) === 'soaking', {
        timeoutMs: 60_000,
        label: 'the canary soak',
      });

      await cluster.stop();
      const answers: { command: string; status: number | string; ms: number; text: string }[] = [];
      const responsesBefore = product.slack.responses.length;
      for (const text of ['status', 'approve']) {
        const sent = Date.now();
        const reply = await product.client
          .command(text, { user: people.lead })
          .catch((error: Error) => ({ status: `no answer: ${error.message}`, text: '' }));
        answers.push({ command: text, status: reply.status, ms: Date.now() - sent, text: reply.text });
      }
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await cluster.start();
      const late = product.slack.responses
        .slice(responsesBefore)
        .map((r) => String((r.body as { text?: string }).text ?? ''));
      console.info(
        `while Postgres was down: ${JSON.stringify(answers)}; answers via response_url: ${JSON.stringify(late)}`,
      );

      // `app.child` is cleared when the process exits, so `child?.exitCode` was null even after a crash.
      expect(
        product.app.unexpectedExit,
        `the product process survived the restart (see ${product.logFile})`,
      ).toBeUndefined();
      const result = await driveToCompletion({
        db: product.db,
        slack: product.slack,
        client: () => product.client,
        deploymentId: 1,
        timeoutMs: 150_000,
        extraWaitMs: { success_window: successWindowWaitMs(timeScale) },
      });
      expect(result.lostPrompts).toEqual([]);
      expect(result.state).toBe('completed');
      expect(repeatedInvocations(await product.workspace.invocations())).toEqual([]);
      expect([...checkInPosts(product.slack)].sort((a, b) => a[0] - b[0])).toEqual(
        Array.from({ length: 12 }, (_, i) => [i + 1, 1]),
      );

      // While it was down: within Slack's 3 s and never a 5xx; ideally an answer that says what is wrong.
      for (const answer of answers) {
        expect(
          typeof answer.status === 'number' && answer.status < 500,
          `${answer.command}: HTTP ${answer.status}`,
        ).toBe(true);
        expect(answer.ms, answer.command).toBeLessThan(3_000);
      }
      expect(
        answers.map((a) => a.status),
        'commands were acknowledged while Postgres was down',
      ).toEqual([200, 200]);
      expect(late.length, 'each command got an answer saying what is wrong').toBeGreaterThanOrEqual(2);
    });
  },
);
