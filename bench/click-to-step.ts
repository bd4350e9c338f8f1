import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buttonsOf } from '../test/faults/support/prompts.js';
import { createSlackClient } from '../test/support/slack-requests.js';
import { waitUntil } from '../test/support/wait.js';
import { benchConfig } from './config.js';
import { loggedTimerLateness } from './support/log-lateness.js';
import { createPhaseMarks } from './support/phase-marks.js';
import { realTimeDecisions, signingSecret, startStack, users, withEnvironments } from './support/stack.js';
import { type Summary, summarize } from './support/stats.js';
import { checkInWrittenLateness, pendingTimers, timerLateness } from './support/timer-lateness.js';

export interface ClickResults {
  clickToStep: Summary;
  /**
   * Where the time went: click sent → request received → decision committed → step job added →
   * worker picked it up → step run claimed (committed) → the step's command about to start.
   */
  phases: Record<Phase, Summary>;
  /** Click sent → the step's "step started" (its thread line posted, its command next). */
  clickToCommand: Summary;
  clickAck: Summary;
  bullAddToProcess: Summary;
  /**
   * The design's floor: a signed click to a bare Bolt app that acks, runs one audited transaction
   * (row lock, state update, audit row), adds a BullMQ job, whose worker claims a row: the same
   * path with nothing else in it.
   */
  designFloor: Summary;
  timers: Awaited<ReturnType<typeof timerLateness>>;
  /** Check-ins written (their transaction began) − fire_at. */
  checkInsWritten: Summary;
  /** The product's "timer fired" latenessMs: when the job ran, before the snapshot a check-in takes. */
  timersLogged: Awaited<ReturnType<typeof loggedTimerLateness>>;
}

const phaseNames = [
  'sentToReceived',
  'receivedToCommitted',
  'committedToJobAdded',
  'jobAddedToPickedUp',
  'pickedUpToClaimed',
  'claimedToCommand',
] as const;
type Phase = (typeof phaseNames)[number];

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
  const marks = createPhaseMarks();
  const stack = await startStack({
    ...env,
    plan: withEnvironments(benchConfig.rehearsals),
    env: { TIME_SCALE: benchConfig.timeScale, ...realTimeDecisions },
    logFile,
    instrument: { watchPool: (pool) => marks.watchPool(pool, 'promote'), wrapListener: marks.wrapListener },
  });
  const latencies: number[] = [];
  const acks: number[] = [];
  const phases = Object.fromEntries(phaseNames.map((name) => [name, [] as number[]])) as Record<
    Phase,
    number[]
  >;
  const toCommand: number[] = [];
  const pendingCommandMarks: { deploymentId: number; clickedAt: number; claimedAt: number | undefined }[] =
    [];
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
      const run = await stack.db.query<{ runId: number }>(
        `SELECT id AS "runId" FROM step_runs WHERE deployment_id = $1 AND step_id = 'shift_to_expanded' ORDER BY id LIMIT 1`,
        [deployment.id],
      );
      const runId = run.rows[0]?.runId;
      const job = runId ? await stack.runtime.queues.steps.getJob(`step-${runId}`) : undefined;
      const received = marks.requestAfter(clickedAt);
      const committed = marks.decisionCommitted(deployment.id);
      // The claim's COMMIT answers a moment after started_at is read back: wait for the mark.
      const claimed = runId
        ? await waitUntil(() => marks.claimCommitted(runId), { timeoutMs: 5_000, intervalMs: 5 }).catch(
            () => undefined,
          )
        : undefined;
      if (job?.processedOn && received && committed && claimed) {
        phases.sentToReceived.push(received - clickedAt);
        phases.receivedToCommitted.push(committed - received);
        phases.committedToJobAdded.push(job.timestamp - committed);
        phases.jobAddedToPickedUp.push(job.processedOn - job.timestamp);
        phases.pickedUpToClaimed.push(claimed - job.processedOn);
      }
      pendingCommandMarks.push({ deploymentId: deployment.id, clickedAt, claimedAt: claimed });
    }
    // The product's "step started" lines (its log is written asynchronously): read once at the end.
    const commandStarts = await stepStartTimes(logFile, 'shift_to_expanded');
    for (const mark of pendingCommandMarks) {
      const at = commandStarts.get(mark.deploymentId);
      if (at === undefined) continue;
      toCommand.push(at - mark.clickedAt);
      if (mark.claimedAt !== undefined) phases.claimedToCommand.push(at - mark.claimedAt);
    }
    // Let the rehearsals' remaining check-ins and soaks fire before reading their lateness.
    await waitUntil(async () => (await pendingTimers(stack.db)) === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
      label: 'timers to fire',
    }).catch(() => undefined);
    const timers = await timerLateness(stack.db);
    const checkInsWritten = await checkInWrittenLateness(stack.db);
    const bull = await bareBull(env.redisUrl, benchConfig.bullSamples);
    const floor = await designFloor(env.databaseUrl, env.redisUrl, benchConfig.bullSamples);
    return {
      clickToStep: summarize(latencies),
      phases: Object.fromEntries(phaseNames.map((name) => [name, summarize(phases[name])])) as Record<
        Phase,
        Summary
      >,
      clickToCommand: summarize(toCommand),
      clickAck: summarize(acks),
      timersLogged: await loggedTimerLateness(logFile),
      checkInsWritten,
      bullAddToProcess: summarize(bull),
      designFloor: summarize(floor),
      timers,
    };
  } finally {
    await stack.close();
    await rm(logFile, { force: true });
  }
}

/** When each deployment's `stepId` logged "step started", from the product's JSON log (pino `time`, ms). */
async function stepStartTimes(file: string, stepId: string): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.includes('"step started"') || !line.includes(stepId)) continue;
    try {
      const entry = JSON.parse(line) as { time?: number; deploymentId?: number; step?: string };
      if (entry.step === stepId && typeof entry.deploymentId === 'number' && typeof entry.time === 'number')
        out.set(entry.deploymentId, entry.time);
    } catch {
      // a partial line
    }
  }
  return out;
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

/**
 * Click → claim with nothing but the design in it: a bare Bolt app (same receiver, signed request,
 * ack first) whose handler runs one audited transaction and adds a job; the job's worker claims
 * the row in one statement. Sequential, like the rehearsals' clicks.
 */
async function designFloor(databaseUrl: string, redisUrl: string, samples: number): Promise<number[]> {
  const prefix = `bench-floor-${randomUUID()}`;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  await db.query(`CREATE TABLE IF NOT EXISTS bench_floor (id int PRIMARY KEY, state text, claimed_at timestamptz);
    CREATE TABLE IF NOT EXISTS bench_floor_audit (id bigserial PRIMARY KEY, row_id int, action text, at timestamptz DEFAULT now());
    TRUNCATE bench_floor, bench_floor_audit;
    INSERT INTO bench_floor (id, state) SELECT i, 'waiting' FROM generate_series(1, ${samples}) i`);
  const producer = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const consumer = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('floor', { connection: producer, prefix });
  const claimedAt = new Map<number, number>();
  const worker = new Worker(
    'floor',
    async (job) => {
      await db.query(`UPDATE bench_floor SET claimed_at = now() WHERE id = $1 AND claimed_at IS NULL`, [
        job.data.id,
      ]);
      claimedAt.set(job.data.id as number, Date.now());
    },
    { connection: consumer, prefix, concurrency: 20 },
  );
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
  });
  // No auth.test (at start or per request): this app never calls Slack.
  const app = new App({
    token: 'xoxb-bench-token',
    botId: 'BBENCH',
    botUserId: 'UBENCH',
    receiver,
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
    tokenVerificationEnabled: false,
  });
  app.action('stage_promote', async ({ ack, action }) => {
    await ack();
    const id = Number((action as { value: string }).value);
    const client = await db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT state FROM bench_floor WHERE id = $1 FOR UPDATE', [id]);
      await client.query(`UPDATE bench_floor SET state = 'promoted' WHERE id = $1`, [id]);
      await client.query(`INSERT INTO bench_floor_audit (row_id, action) VALUES ($1, 'promote')`, [id]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await queue.add('step', { id }, { jobId: `floor-${id}`, removeOnComplete: true });
  });
  await app.init();
  await worker.waitUntilReady();
  const server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = createSlackClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    signingSecret,
    responseUrl: () => 'http://127.0.0.1:9/unused',
  });
  const latencies: number[] = [];
  try {
    for (let id = 1; id <= samples; id++) {
      const sent = Date.now();
      await client.action('stage_promote', String(id), { user: users.lead, messageTs: '1.000001' });
      const claimed = await waitUntil(() => claimedAt.get(id), {
        timeoutMs: 5_000,
        intervalMs: 1,
        label: 'the floor claim',
      });
      latencies.push(claimed - sent);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return latencies;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
    await db.query('DROP TABLE IF EXISTS bench_floor, bench_floor_audit').catch(() => undefined);
    await db.end();
  }
}
