import { waitUntil } from '../test/support/wait.js';
import { benchConfig } from './config.js';
import { startBareBolt } from './support/bare-bolt.js';
import { withLoopDelay } from './support/event-loop.js';
import { compose, type Stack, startStack, users, withEnvironments, withoutGoNoGo } from './support/stack.js';
import { runLoad, type Summary, summarize } from './support/stats.js';

export interface AckResult {
  bare: Summary;
  stagecoach: Summary;
  statuses: Record<string, number>;
  errors: number;
  loopDelayMs: { p50: number; p99: number; max: number };
  note?: string;
}

export interface AckResults {
  status: AckResult;
  start: AckResult & { started: number; refused: number; answers: Record<string, number> };
}

type Client = Stack['client'];

const load = (client: Client, total: number, text: (i: number) => string) =>
  runLoad({ total, senders: benchConfig.senders, send: (i) => client.command(text(i), { user: users.lead }) });

/**
 * Ack latency: time to the HTTP answer of a signed slash command, 20 senders at a time, against
 * Stagecoach's runtime (processBeforeResponse false) and a bare Bolt app in the same process, in
 * alternating rounds so that machine load hits both alike.
 */
export async function benchAck(env: { databaseUrl: string; appDatabaseUrl: string; redisUrl: string }): Promise<AckResults> {
  const stack = await startStack({
    ...env,
    plan: compose(withEnvironments(benchConfig.starts), withoutGoNoGo),
    // Real time: started deployments run their steps, then soak for a day without firing anything.
    env: { TIME_SCALE: '1' },
  });
  const bare = await startBareBolt(stack.slack.url, (id) => stack.slack.responseUrl(id));
  try {
    // Warm both paths (JIT, connection pools, prepared Bolt listeners).
    await load(bare.client, 60, () => 'status');
    await load(stack.client, 60, () => 'status');
    // One deployment that ran its steps, so `status` renders a real table.
    await stack.client.command('start v4.0.0', { user: users.lead });
    await waitUntil(async () => (await stack.db.query(`SELECT state FROM deployments WHERE environment = 'production'`)).rows[0]?.state === 'soaking', {
      timeoutMs: 180_000,
      intervalMs: 200,
      label: 'the warm-up deployment to soak',
    });

    const status = await alternate(bare.client, stack.client, benchConfig.statusRounds, benchConfig.statusPerRound, () => 'status');

    // Starts: each to its own environment, so every one is a real start (none refused as already active).
    const bareBefore = await load(bare.client, benchConfig.starts, (i) => `start v4.0.0 to env-${i + 1}`);
    const responsesBefore = stack.slack.responses.length;
    const measured = await withLoopDelay(() => load(stack.client, benchConfig.starts, (i) => `start v4.0.0 to env-${i + 1}`));
    const bareAfter = await load(bare.client, benchConfig.starts, (i) => `start v4.0.0 to env-${i + 1}`);
    await waitUntil(() => stack.slack.responses.length - responsesBefore >= benchConfig.starts, {
      timeoutMs: 60_000,
      intervalMs: 100,
      label: 'an answer to every start',
    }).catch(() => undefined);
    const answers = stack.slack.responses.slice(responsesBefore).map((r) => String((r.body as { text?: string }).text ?? ''));
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
  }
}

async function alternate(bare: Client, stagecoach: Client, rounds: number, perRound: number, text: (i: number) => string): Promise<AckResult> {
  const bareLatencies: number[] = [];
  const ours: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const delays: { p50: number; p99: number; max: number }[] = [];
  for (let round = 0; round < rounds; round++) {
    bareLatencies.push(...(await load(bare, perRound, text)).latencies);
    const measured = await withLoopDelay(() => load(stagecoach, perRound, text));
    ours.push(...measured.result.latencies);
    errors += measured.result.errors;
    for (const [code, n] of Object.entries(measured.result.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
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
    const key = text.replace(/#\d+/g, '#N').replace(/env-\d+/g, 'env-N').replace(/ref [0-9a-f]+/g, 'ref X').slice(0, 160);
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}
