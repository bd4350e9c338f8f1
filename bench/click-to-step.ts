import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { buttonsOf } from '../test/faults/support/prompts.js';
import { waitUntil } from '../test/support/wait.js';
import { benchConfig } from './config.js';
import { loggedTimerLateness } from './support/log-lateness.js';
import { realTimeDecisions, startStack, users, withEnvironments } from './support/stack.js';
import { type Summary, summarize } from './support/stats.js';
import { pendingTimers, timerLateness } from './support/timer-lateness.js';

export interface ClickResults {
  clickToStep: Summary;
  /** Where the time went: click → decide's transaction began → job added → worker took it → run claimed. */
  phases: Record<
    'clickToTransaction' | 'transactionToJobAdded' | 'jobAddedToPickedUp' | 'pickedUpToClaimed',
    Summary
  >;
  clickAck: Summary;
  bullAddToProcess: Summary;
  timers: Awaited<ReturnType<typeof timerLateness>>;
  /** The product's "timer fired" latenessMs: when the job ran, before the snapshot a check-in takes. */
  timersLogged: Awaited<ReturnType<typeof loggedTimerLateness>>;
}

/**
 * Approve click → the `shift_to_expanded` step run claimed (its started_at), over sequential
 * rehearsals at a high TIME_SCALE; then a bare BullMQ add → process on the same Redis; then the
 * lateness of the timers those rehearsals fired.
 */
export async function benchClickToStep(env: {
  databaseUrl: string;
  appDatabaseUrl: string;
  redisUrl: string;
}): Promise<ClickResults> {
  const logFile = join(tmpdir(), `stagecoach-bench-click-${randomUUID()}.log`);
  const stack = await startStack({
    ...env,
    plan: withEnvironments(benchConfig.rehearsals),
    env: { TIME_SCALE: benchConfig.timeScale, ...realTimeDecisions },
    logFile,
  });
  const latencies: number[] = [];
  const acks: number[] = [];
  const phases = {
    clickToTransaction: [] as number[],
    transactionToJobAdded: [] as number[],
    jobAddedToPickedUp: [] as number[],
    pickedUpToClaimed: [] as number[],
  };
  try {
    for (let i = 1; i <= benchConfig.rehearsals; i++) {
      const environment = `env-${i}`;
      await stack.client.command(`start v4.0.0 to ${environment}`, { user: users.lead });
      // The HTTP answer leaves at ack(), before the deployment and its root message exist.
      const deployment = await waitUntil(
        async () =>
          (
            await stack.db.query<{ id: number; rootTs: string }>(
              `SELECT id, root_ts AS "rootTs" FROM deployments WHERE environment = $1 AND root_ts IS NOT NULL`,
              [environment],
            )
          ).rows[0],
        { timeoutMs: 30_000, label: `deployment to ${environment} and its root message` },
      );
      const prompt = await waitUntil(
        () =>
          stack.slack
            .messages('C_DEPLOY')
            .find(
              (m) =>
                m.thread_ts !== undefined &&
                m.thread_ts === deployment.rootTs &&
                buttonsOf(m).some((b) => b.actionId === 'stage_promote'),
            ),
        { timeoutMs: 180_000, intervalMs: 10, label: `the promotion prompt of ${environment}` },
      );
      const button = buttonsOf(prompt).find((b) => b.actionId === 'stage_promote');
      if (!button) throw new Error('promotion prompt without a promote button');
      const clickedAt = Date.now();
      const sent = performance.now();
      const reply = await stack.client.action('stage_promote', button.value, {
        user: users.lead,
        messageTs: prompt.ts,
      });
      acks.push(performance.now() - sent);
      if (reply.status !== 200) throw new Error(`promote click answered HTTP ${reply.status}`);
      const startedAt = await waitUntil(
        async () =>
          (
            await stack.db.query<{ startedAt: Date | null }>(
              `SELECT started_at AS "startedAt" FROM step_runs WHERE deployment_id = $1 AND step_id = 'shift_to_expanded' AND started_at IS NOT NULL`,
              [deployment.id],
            )
          ).rows[0]?.startedAt,
        // started_at is Postgres's own clock: polling only decides when we learn it, not the sample.
        { timeoutMs: 30_000, intervalMs: 25, label: `shift_to_expanded of ${environment} to start` },
      );
      latencies.push((startedAt as Date).getTime() - clickedAt);
      const marks = await stack.db.query<{ runId: number; txAt: Date }>(
        `SELECT s.id AS "runId", a.created_at AS "txAt" FROM step_runs s
         JOIN audit_log a ON a.deployment_id = s.deployment_id AND a.action = 'promote'
         WHERE s.deployment_id = $1 AND s.step_id = 'shift_to_expanded' ORDER BY a.id LIMIT 1`,
        [deployment.id],
      );
      const mark = marks.rows[0];
      const job = mark ? await stack.runtime.queues.steps.getJob(`step-${mark.runId}`) : undefined;
      if (mark && job?.processedOn) {
        phases.clickToTransaction.push(mark.txAt.getTime() - clickedAt);
        phases.transactionToJobAdded.push(job.timestamp - mark.txAt.getTime());
        phases.jobAddedToPickedUp.push(job.processedOn - job.timestamp);
        phases.pickedUpToClaimed.push((startedAt as Date).getTime() - job.processedOn);
      }
    }
    // Let the rehearsals' remaining check-ins and soaks fire before reading their lateness.
    await waitUntil(async () => (await pendingTimers(stack.db)) === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
      label: 'timers to fire',
    }).catch(() => undefined);
    const timers = await timerLateness(stack.db);
    const bull = await bareBull(env.redisUrl, benchConfig.bullSamples);
    return {
      clickToStep: summarize(latencies),
      phases: {
        clickToTransaction: summarize(phases.clickToTransaction),
        transactionToJobAdded: summarize(phases.transactionToJobAdded),
        jobAddedToPickedUp: summarize(phases.jobAddedToPickedUp),
        pickedUpToClaimed: summarize(phases.pickedUpToClaimed),
      },
      clickAck: summarize(acks),
      timersLogged: await loggedTimerLateness(logFile),
      bullAddToProcess: summarize(bull),
      timers,
    };
  } finally {
    await stack.close();
    await rm(logFile, { force: true });
  }
}

/** The floor: Queue.add → the processor called, sequentially, with the worker idle between jobs. */
async function bareBull(redisUrl: string, samples: number): Promise<number[]> {
  const prefix = `bench-bare-${randomUUID()}`;
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const consumer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection: producer, prefix });
  const addedAt = new Map<number, number>();
  const latencies: number[] = [];
  let processed = 0;
  const worker = new Worker(
    'bare',
    async (job) => {
      const at = addedAt.get(job.data.i as number);
      if (at !== undefined) latencies.push(performance.now() - at);
      processed++;
    },
    { connection: consumer, prefix, concurrency: 20 },
  );
  await worker.waitUntilReady();
  try {
    for (let i = 0; i < samples; i++) {
      addedAt.set(i, performance.now());
      await queue.add('bare', { i }, { removeOnComplete: true });
      await waitUntil(() => processed > i, { timeoutMs: 5_000, intervalMs: 1, label: 'the bare job' });
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return latencies;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}
