import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAppProcess } from '../test/faults/support/app-process.js';
import { startHealthyPrometheus } from '../test/faults/support/healthy-prometheus.js';
import { manyEnvironments, writePlanCopy } from '../test/faults/support/plan-file.js';
import { startPrivateRedis } from '../test/faults/support/private-redis.js';
import { createClicker } from '../test/faults/support/prompts.js';
import { type FakeSlack, startFakeSlack } from '../test/support/fake-slack.js';
import { startHealthServer } from '../test/support/health-server.js';
import { createSlackClient } from '../test/support/slack-requests.js';
import { makeWorkspace } from '../test/support/workspace.js';
import { benchConfig } from './config.js';
import { loggedTimerLateness } from './support/log-lateness.js';
import { procCpuSeconds, procMemory } from './support/proc.js';
import { productProcessEnv, resetWithRoles, signingSecret, users } from './support/stack.js';
import { round, runLoad, type Summary, summarize } from './support/stats.js';
import { timerLateness } from './support/timer-lateness.js';

export interface ChannelRate {
  calls: number;
  spanSeconds: number;
  meanPerSecond: number;
  peakPerSecond: number;
}

export interface ConcurrentResults {
  deployments: number;
  completed: number;
  states: Record<string, number>;
  wallSeconds: number;
  peakRssMb: number;
  peakRssKernelMb: number;
  cpuSeconds: number | undefined;
  redisUsedMemoryPeakMb: number;
  slackCallsPerChannel: Record<string, ChannelRate>;
  slackCallsByMethod: Record<string, number>;
  startAck: Summary;
  /** HTTP statuses of the first burst of starts, and how many of them created no deployment. */
  startStatuses: Record<string, number>;
  startsFailedFirstTime: number;
  clicksRetried: number;
  /** Steps the reconciler called interrupted although the process never died. */
  interruptedWithoutCrash: string[];
  /** Warnings and errors the product logged, by message (top ones). */
  productWarnings: Record<string, number>;
  timers: Awaited<ReturnType<typeof timerLateness>>;
  timersLogged: Awaited<ReturnType<typeof loggedTimerLateness>>;
  clicks: number;
}

/**
 * N deployments at once (env-1..env-N) on one product process (`src/main.ts`, as `npm start` runs
 * it), each driven to completion by clicking its prompts; the process's RSS is sampled from inside
 * by a preloaded probe, Redis is a private server so its peak memory is this run's alone.
 */
export async function benchConcurrent(env: {
  databaseUrl: string;
  appDatabaseUrl: string;
}): Promise<ConcurrentResults> {
  const count = benchConfig.concurrent;
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-bench-'));
  const redis = await startPrivateRedis();
  const slack = await startFakeSlack();
  const health = await startHealthServer();
  const prometheus = await startHealthyPrometheus();
  const workspace = await makeWorkspace();
  const db = new pg.Pool({ connectionString: env.databaseUrl, max: 4 });
  await resetWithRoles(db);
  await writePlanCopy(`${workspace.dir}/plan.yaml`, manyEnvironments(count));
  const app = await createAppProcess({
    env: {
      ...productProcessEnv({
        slackUrl: slack.url,
        databaseUrl: env.databaseUrl,
        appDatabaseUrl: env.appDatabaseUrl,
        redisUrl: redis.url,
        workspaceDir: workspace.dir,
        healthUrl: health.url,
        prometheusUrl: prometheus.url,
        timeScale: benchConfig.timeScale,
      }),
    },
    logFile: join(dir, 'product.log'),
    imports: ['./bench/support/rss-probe.ts'],
    entry: 'bench/support/product-entry.ts',
    ipc: true,
  });
  let probePeak = 0;
  app.onMessage((message) => {
    const m = message as { probe?: string; peak?: number };
    if (m.probe === 'rss' && typeof m.peak === 'number') probePeak = Math.max(probePeak, m.peak);
  });
  let kernelPeak = 0;
  let keepLogs = process.env.BENCH_KEEP_LOGS === '1';
  try {
    await app.boot();
    const pid = app.child?.pid as number;
    const client = createSlackClient({
      baseUrl: app.baseUrl,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    const began = Date.now();
    const starts = await runLoad({
      total: count,
      senders: benchConfig.senders,
      send: (i) => client.command(`start v4.0.0 to env-${i + 1}`, { user: users.lead }),
    });
    const startStatuses = starts.statuses;
    // Starts that did not take (no deployment row) are sent again, as a person would, a few at a time.
    const missing = async () => {
      const have = new Set(
        (await db.query<{ environment: string }>('SELECT environment FROM deployments')).rows.map(
          (r) => r.environment,
        ),
      );
      return Array.from({ length: count }, (_, i) => `env-${i + 1}`).filter((env) => !have.has(env));
    };
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const failedFirstTime = (await missing()).length;
    for (let round = 0; round < 5; round++) {
      const left = await missing();
      if (left.length === 0) break;
      await runLoad({
        total: left.length,
        senders: 5,
        send: (i) => client.command(`start v4.0.0 to ${left[i]}`, { user: users.lead }),
      });
      await new Promise((resolve) => setTimeout(resolve, 5_000));
    }
    const clicker = createClicker({
      slack,
      client,
      concurrency: benchConfig.senders,
      // A person whose click answered "something went wrong" clicks again a little later.
      retryAfterMs: 5_000,
      maxAttempts: 40,
      choose: ({ buttons }) => {
        if (buttons.some((b) => b.actionId === 'stage_promote'))
          return { actionId: 'stage_promote', user: users.lead };
        if (buttons.some((b) => b.actionId === 'deploy_declare_complete'))
          return { actionId: 'deploy_declare_complete', user: users.project };
        // Nothing crashed here, so an "interrupted" step is a false alarm worth counting; marking it
        // done (never retrying) keeps the rehearsal going without running anything twice.
        if (buttons.some((b) => b.actionId === 'step_mark_done'))
          return { actionId: 'step_mark_done', user: users.lead };
        return undefined;
      },
    });
    const deadline = Date.now() + 25 * 60_000;
    let states: Record<string, number> = {};
    let lastCheck = 0;
    while (Date.now() < deadline) {
      if (app.unexpectedExit) throw new Error(`the product process ended on its own: ${app.unexpectedExit}`);
      await clicker.tick();
      const memory = await procMemory(pid);
      if (memory) kernelPeak = Math.max(kernelPeak, memory.hwm);
      if (Date.now() - lastCheck > 1_000) {
        lastCheck = Date.now();
        states = await countStates(db);
        if ((states.completed ?? 0) >= count) break;
        if ((states.step_failed ?? 0) + (states.rollback_failed ?? 0) + (states.held ?? 0) > 0) {
          keepLogs = true;
          throw new Error(`a rehearsal halted: ${JSON.stringify(states)}; see ${join(dir, 'product.log')}`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const wallSeconds = (Date.now() - began) / 1000;
    // Reviews (daily, weekly) go on after completion; let in-flight work settle before reading memory.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const memory = await procMemory(pid);
    if (memory) kernelPeak = Math.max(kernelPeak, memory.hwm);
    const cpuSeconds = await procCpuSeconds(pid);
    const interrupted = await db.query<{ step_id: string; summary: string }>(
      `SELECT step_id, summary FROM step_runs WHERE status IN ('interrupted', 'marked_done')`,
    );
    if ((states.completed ?? 0) < count || interrupted.rows.length > 0) keepLogs = true;
    const redisMemory = await redis.memory();
    return {
      deployments: count,
      completed: states.completed ?? 0,
      states,
      wallSeconds: round(wallSeconds, 1),
      peakRssMb: round(probePeak / 2 ** 20, 1),
      peakRssKernelMb: round(kernelPeak / 2 ** 20, 1),
      cpuSeconds,
      redisUsedMemoryPeakMb: round(Number(redisMemory.used_memory_peak ?? 0) / 2 ** 20, 2),
      slackCallsPerChannel: channelRates(slack),
      slackCallsByMethod: Object.fromEntries(
        [...new Set(slack.calls.map((c) => c.method))].map((method) => [
          method,
          slack.callsOf(method).length,
        ]),
      ),
      startAck: summarize(starts.latencies),
      startStatuses,
      startsFailedFirstTime: failedFirstTime,
      clicksRetried: clicker.retried(),
      interruptedWithoutCrash: interrupted.rows.map((r) => r.step_id),
      productWarnings: await warningsIn(join(dir, 'product.log')),
      timers: await timerLateness(db),
      timersLogged: await loggedTimerLateness(join(dir, 'product.log')),
      clicks: clicker.log.length,
    };
  } finally {
    await app.stop().catch(() => undefined);
    await db.end();
    await slack.close();
    await health.close();
    await prometheus.close();
    await redis.close();
    await workspace.cleanup();
    if (!keepLogs) await rm(dir, { recursive: true, force: true });
    else process.stderr.write(`product log kept in ${dir}\n`);
  }
}

export async function countStates(db: pg.Pool): Promise<Record<string, number>> {
  const result = await db.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM deployments GROUP BY state`,
  );
  return Object.fromEntries(result.rows.map((row) => [row.state, row.n]));
}

/** Web API calls per channel: the mean over the channel's busy span, and the busiest one-second window. */
function channelRates(slack: FakeSlack): Record<string, ChannelRate> {
  const byChannel = new Map<string, number[]>();
  for (const call of slack.calls) {
    if (typeof call.args.channel !== 'string') continue;
    const times = byChannel.get(call.args.channel) ?? [];
    times.push(call.at);
    byChannel.set(call.args.channel, times);
  }
  const out: Record<string, ChannelRate> = {};
  for (const [channel, times] of byChannel) {
    times.sort((a, b) => a - b);
    let peak = 0;
    let left = 0;
    for (let right = 0; right < times.length; right++) {
      while ((times[right] as number) - (times[left] as number) >= 1_000) left++;
      peak = Math.max(peak, right - left + 1);
    }
    const span = Math.max(1, ((times.at(-1) as number) - (times[0] as number)) / 1000);
    out[channel] = {
      calls: times.length,
      spanSeconds: round(span, 1),
      meanPerSecond: round(times.length / span, 1),
      peakPerSecond: peak,
    };
  }
  return out;
}

/** Counts the product's warn/error log lines by message and error message. */
export async function warningsIn(file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const text = await readFile(file, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) {
      if (line.trim() !== '') counts['(not JSON)'] = (counts['(not JSON)'] ?? 0) + 1;
      continue;
    }
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 40) continue;
      const key = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message.slice(0, 80)}` : ''}`;
      counts[key] = (counts[key] ?? 0) + 1;
    } catch {
      counts['(unparsable)'] = (counts['(unparsable)'] ?? 0) + 1;
    }
  }
  return Object.fromEntries(
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12),
  );
}
