import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createAppProcess } from '../test/faults/support/app-process.js';
import { startHealthyPrometheus } from '../test/faults/support/healthy-prometheus.js';
import { manyEnvironments, writePlanCopy } from '../test/faults/support/plan-file.js';
import { startPrivateRedis } from '../test/faults/support/private-redis.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { startHealthServer } from '../test/support/health-server.js';
import { createSlackClient } from '../test/support/slack-requests.js';
import { makeWorkspace } from '../test/support/workspace.js';
import { benchConfig, targets } from './config.js';
import {
  callsByMethod,
  checkDelivery,
  type Delivery,
  type MethodCalls,
  postRate,
} from './support/slack-delivery.js';
import { productProcessEnv, resetWithRoles, signingSecret, users } from './support/stack.js';
import { round, runLoad } from './support/stats.js';

export interface SlackRun {
  paced: boolean;
  deployments: number;
  /** Seconds from the first start to the end of the run. */
  wallSeconds: number;
  /** Whether everything meant for Slack got there before the deadline. */
  drained: boolean;
  calls: number;
  ratelimited: number;
  /** 429s as a percentage of every call that reached the fake Slack. */
  ratelimitedPercent: number;
  byMethod: Record<string, MethodCalls>;
  deployChannel: { meanPerSecond: number; peakPerSecond: number };
  delivery: Delivery;
  /** Product log lines about rate limits (the WebClient's retries, the outbox waiting). */
  rateLimitLogLines: number;
  states: Record<string, number>;
}

export interface SlackRateResults {
  paced: SlackRun;
  /** The same load with pacing off: what the WebClient's retries alone do. */
  unpaced?: SlackRun | undefined;
}

const channel = 'C_DEPLOY';

/**
 * N deployments started at once in one channel, in real time (TIME_SCALE 1: their steps run, their
 * soaks do not end), against a fake Slack that enforces Slack's published limits. The run lasts
 * until everything meant for Slack is there and nothing was sent for a while, or a deadline.
 */
export async function benchSlackRateLimits(env: {
  databaseUrl: string;
  appDatabaseUrl: string;
}): Promise<SlackRateResults> {
  const paced = await runSlackLoad(env, true);
  const unpaced = benchConfig.slackCompareUnpaced ? await runSlackLoad(env, false) : undefined;
  return { paced, unpaced };
}

export async function runSlackLoad(
  env: { databaseUrl: string; appDatabaseUrl: string },
  pacing: boolean,
): Promise<SlackRun> {
  const count = benchConfig.slackDeployments;
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-bench-slack-'));
  const redis = await startPrivateRedis();
  const slack = await startFakeSlack({ rateLimits: true });
  const health = await startHealthServer();
  const prometheus = await startHealthyPrometheus();
  const workspace = await makeWorkspace();
  const db = new pg.Pool({ connectionString: env.databaseUrl, max: 4 });
  await resetWithRoles(db);
  await writePlanCopy(`${workspace.dir}/plan.yaml`, manyEnvironments(count));
  const logFile = join(dir, 'product.log');
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
        timeScale: '1',
        deployChannel: channel,
      }),
      SLACK_PACING: pacing ? 'on' : 'off',
    },
    logFile,
  });
  let keepLogs = process.env.BENCH_KEEP_LOGS === '1';
  try {
    await app.boot();
    const client = createSlackClient({
      baseUrl: app.baseUrl,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    const began = Date.now();
    await runLoad({
      total: count,
      senders: benchConfig.senders,
      send: (i) => client.command(`start v4.0.0 to env-${i + 1}`, { user: users.lead }),
    });
    // Done when everything meant for Slack is there and the fake heard nothing for a while.
    const deadline = began + benchConfig.slackDeadlineSeconds * 1000;
    let drained = false;
    while (Date.now() < deadline) {
      if (app.unexpectedExit) throw new Error(`the product process ended on its own: ${app.unexpectedExit}`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const lastCall = Math.max(slack.calls.at(-1)?.at ?? 0, slack.ratelimited.at(-1)?.at ?? 0);
      if (Date.now() - lastCall < benchConfig.slackQuietSeconds * 1000) continue;
      const delivery = await checkDelivery(db, slack, channel);
      if (delivery.queued === 0 && delivery.expected.roots >= count) {
        drained = true;
        break;
      }
    }
    const wallSeconds = (Date.now() - began) / 1000;
    const delivery = await checkDelivery(db, slack, channel);
    if (delivery.lost.length > 0) keepLogs = true;
    const calls = slack.calls.length + slack.ratelimited.length;
    return {
      paced: pacing,
      deployments: count,
      wallSeconds: round(wallSeconds, 1),
      drained,
      calls,
      ratelimited: slack.ratelimited.length,
      ratelimitedPercent: round((100 * slack.ratelimited.length) / Math.max(1, calls), 2),
      byMethod: callsByMethod(slack),
      deployChannel: postRate(slack, channel),
      delivery: { ...delivery, lost: delivery.lost.slice(0, 20) },
      rateLimitLogLines: await countLines(logFile, /rate limit|ratelimited|retry-after/i),
      states: await countStates(db),
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

async function countStates(db: pg.Pool): Promise<Record<string, number>> {
  const result = await db.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM deployments GROUP BY state',
  );
  return Object.fromEntries(result.rows.map((row) => [row.state, row.n]));
}

async function countLines(file: string, pattern: RegExp): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => pattern.test(line)).length;
}

/** The part's rows of the results table (the same columns as bench/run.ts's). */
export function slackRows(r: SlackRateResults) {
  const rows: {
    metric: string;
    stagecoach: string;
    baseline: string;
    ratio: string;
    target: string;
    result: 'pass' | 'miss' | 'info';
  }[] = [];
  const { paced, unpaced } = r;
  const n = paced.deployments;
  const limit = targets.slackRateLimitedPercent;
  rows.push({
    metric: `Slack calls answered 429, ${n} deployments started at once in one channel (Slack's limits enforced)`,
    stagecoach: `${paced.ratelimitedPercent}% (${paced.ratelimited}/${paced.calls})`,
    baseline: unpaced
      ? `unpaced ${unpaced.ratelimitedPercent}% (${unpaced.ratelimited}/${unpaced.calls})`
      : '',
    ratio:
      unpaced && unpaced.ratelimitedPercent > 0
        ? `${round(paced.ratelimitedPercent / unpaced.ratelimitedPercent, 3)}x`
        : '',
    target: `< ${limit}%`,
    result: paced.ratelimitedPercent < limit ? 'pass' : 'miss',
  });
  for (const run of unpaced ? [paced, unpaced] : [paced]) {
    const d = run.delivery;
    const e = d.expected;
    const label = run.paced ? 'paced' : 'unpaced';
    rows.push({
      metric: `  ${label}: lost of expected (outbox ${e.outboxPosts} lines + ${e.outboxEdits} edits, ${e.prompts} prompts, ${e.roots} roots)`,
      stagecoach: `${d.lost.length} lost, ${d.queued} still queued, ${d.delivered} delivered, ${d.extraPosts} duplicates`,
      baseline: '',
      ratio: '',
      target: run.paced ? '0 lost' : '',
      result: run.paced ? (d.lost.length === 0 ? 'pass' : 'miss') : 'info',
    });
    rows.push({
      metric: `  ${label}: thread lines out of order`,
      stagecoach: `${d.threadOrderViolations}`,
      baseline: '',
      ratio: '',
      target: run.paced ? '0' : '',
      result: run.paced ? (d.threadOrderViolations === 0 ? 'pass' : 'miss') : 'info',
    });
    rows.push({
      metric: `  ${label}: outbox line created → sent in ${channel} p50 / p95 / max; drained in`,
      stagecoach: `${Math.round(d.outboxDelayMs.p50)} / ${Math.round(d.outboxDelayMs.p95)} / ${Math.round(d.outboxDelayMs.max)} ms; ${run.drained ? `${run.wallSeconds} s` : `not within ${run.wallSeconds} s (${d.queued} queued: ~${Math.round(d.queued / Math.max(0.01, run.deployChannel.meanPerSecond))} s more at this rate)`}`,
      baseline: '',
      ratio: '',
      target: '',
      result: 'info',
    });
    rows.push({
      metric: `  ${label}: outbox line created → sent in the other channels p50 / p95 / max (n=${d.outboxDelayOtherChannelsMs.n})`,
      stagecoach: `${Math.round(d.outboxDelayOtherChannelsMs.p50)} / ${Math.round(d.outboxDelayOtherChannelsMs.p95)} / ${Math.round(d.outboxDelayOtherChannelsMs.max)} ms`,
      baseline: '',
      ratio: '',
      target: '',
      result: 'info',
    });
    rows.push({
      metric: `  ${label}: posts accepted in ${channel} (mean / busiest second)`,
      stagecoach: `${run.deployChannel.meanPerSecond}/s / ${run.deployChannel.peakPerSecond}/s`,
      baseline: 'Slack: ~1 post/s per channel',
      ratio: `${round(run.deployChannel.meanPerSecond / 1, 2)}x (mean)`,
      target: '',
      result: 'info',
    });
    rows.push({
      metric: `  ${label}: calls by method (accepted+429)`,
      stagecoach: Object.entries(run.byMethod)
        .sort((a, b) => b[1].ok + b[1].ratelimited - (a[1].ok + a[1].ratelimited))
        .map(([method, c]) => `${method} ${c.ok}+${c.ratelimited}`)
        .join(', '),
      baseline: '',
      ratio: '',
      target: '',
      result: 'info',
    });
  }
  return rows;
}
