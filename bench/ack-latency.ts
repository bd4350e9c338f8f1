import { waitUntil } from '../test/support/wait.js';
import { benchConfig } from './config.js';
import { startBareBolt } from './support/bare-bolt.js';
import { withLoopDelay } from './support/event-loop.js';
import { startLoadThread } from './support/load-thread.js';
import { signingSecret, startStack, users, withEnvironments } from './support/stack.js';
import { type Summary, summarize } from './support/stats.js';

export interface AckResult {
  bare: Summary;
  stagecoach: Summary;
  statuses: Record<string, number>;
  errors: number;
  /** Event-loop delay of the server's thread while Stagecoach was measured. */
  loopDelayMs: { p50: number; p99: number; max: number };
}

export interface AckResults {
  status: AckResult;
  start: AckResult & { started: number; refused: number; answers: Record<string, number> };
}

type LoadThread = Awaited<ReturnType<typeof startLoadThread>>;

/**
 * Ack latency: time to the HTTP answer of a signed slash command, 20 senders at a time, against
 * Stagecoach's runtime (processBeforeResponse false) and a bare Bolt app, both served from this
 * thread, in alternating rounds so that machine load hits both alike. The senders and the Slack
 * stand-in run on a worker thread so that their own work does not queue on the measured loop.
 */
export async function benchAck(env: {
  databaseUrl: string;
  appDatabaseUrl: string;
  redisUrl: string;
}): Promise<AckResults> {
  const thread = await startLoadThread();
  const stack = await startStack({
    ...env,
    plan: withEnvironments(benchConfig.starts),
    // Real time: started deployments run their steps, then soak for a day without firing anything
    // (the first check-in and the go/no-go deadline are 30 minutes away).
    env: { TIME_SCALE: '1' },
    slackApiUrl: thread.slackUrl,
  });
  const bare = await startBareBolt(thread.slackUrl);
  const load = (baseUrl: string, total: number, texts: string[]) =>
    thread.load({ baseUrl, signingSecret, total, senders: benchConfig.senders, texts, user: users.lead });
  const startTexts = Array.from({ length: benchConfig.starts }, (_, i) => `start v4.0.0 to env-${i + 1}`);
  try {
    // Warm both paths (JIT, connection pools, Bolt's listeners).
    await load(bare.baseUrl, 100, ['status']);
    await load(stack.baseUrl, 100, ['status']);
    // One deployment that ran its steps, so `status` renders a real table.
    await load(stack.baseUrl, 1, ['start v4.0.0']);
    await waitUntil(
      async () =>
        (await stack.db.query(`SELECT state FROM deployments WHERE environment = 'production'`)).rows[0]
          ?.state === 'soaking',
      {
        timeoutMs: 180_000,
        intervalMs: 200,
        label: 'the warm-up deployment to soak',
      },
    );

    const status = await alternate(bare.baseUrl, stack.baseUrl, load, ['status']);

    // Starts: each to its own environment, so every one is a real start (none refused as already active).
    const bareBefore = await load(bare.baseUrl, benchConfig.starts, startTexts);
    const answersBefore = (await thread.responses()).length;
    const measured = await withLoopDelay(() => load(stack.baseUrl, benchConfig.starts, startTexts));
    const bareAfter = await load(bare.baseUrl, benchConfig.starts, startTexts);
    await waitUntil(async () => (await thread.responses(answersBefore)).length >= benchConfig.starts, {
      timeoutMs: 60_000,
      intervalMs: 250,
      label: 'an answer to every start',
    }).catch(() => undefined);
    const answers = await thread.responses(answersBefore);
    const started = answers.filter((text) => text.startsWith('Started deployment')).length;
    return {
      status,
      start: {
        bare: summarize([...bareBefore.latencies, ...bareAfter.latencies]),
        stagecoach: summarize(measured.result.latencies),
        statuses: measured.result.statuses,
        errors: measured.result.errors,
        loopDelayMs: measured.loopDelayMs,
        started,
        refused: answers.length - started,
        answers: tally(answers),
      },
    };
  } finally {
    await bare.close();
    // Graceful: the steps the starts queued and that already run finish; the rest stay queued.
    await stack.close();
    await thread.close();
  }
}

async function alternate(
  bareUrl: string,
  stagecoachUrl: string,
  load: (baseUrl: string, total: number, texts: string[]) => ReturnType<LoadThread['load']>,
  texts: string[],
): Promise<AckResult> {
  const bareLatencies: number[] = [];
  const ours: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const delays: { p50: number; p99: number; max: number }[] = [];
  for (let round = 0; round < benchConfig.statusRounds; round++) {
    bareLatencies.push(...(await load(bareUrl, benchConfig.statusPerRound, texts)).latencies);
    const measured = await withLoopDelay(() => load(stagecoachUrl, benchConfig.statusPerRound, texts));
    ours.push(...measured.result.latencies);
    errors += measured.result.errors;
    for (const [code, n] of Object.entries(measured.result.statuses))
      statuses[code] = (statuses[code] ?? 0) + n;
    delays.push(measured.loopDelayMs);
  }
  return {
    bare: summarize(bareLatencies),
    stagecoach: summarize(ours),
    statuses,
    errors,
    loopDelayMs: {
      p50: Math.max(...delays.map((d) => d.p50)),
      p99: Math.max(...delays.map((d) => d.p99)),
      max: Math.max(...delays.map((d) => d.max)),
    },
  };
}

/** Distinct answers with their counts, numbers and refs blanked so alike answers group. */
function tally(texts: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const text of texts) {
    const key = text
      .replace(/#\d+/g, '#N')
      .replace(/env-\d+/g, 'env-N')
      .replace(/ref [0-9a-f]+/g, 'ref X')
      .slice(0, 160);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
