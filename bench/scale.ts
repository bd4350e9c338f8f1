import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createAppProcess } from '../test/faults/support/app-process.js';
import { startHealthyPrometheus } from '../test/faults/support/healthy-prometheus.js';
import { manyEnvironments, type RawPlan, writePlanCopy } from '../test/faults/support/plan-file.js';
import { startPrivateRedis } from '../test/faults/support/private-redis.js';
import { createClicker } from '../test/faults/support/prompts.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { startHealthServer } from '../test/support/health-server.js';
import { createSlackClient } from '../test/support/slack-requests.js';
import { makeWorkspace } from '../test/support/workspace.js';
import { countStates, warningsIn } from './concurrent-rehearsals.js';
import { benchConfig, targets } from './config.js';
import { loggedTimerLateness } from './support/log-lateness.js';
import { procCpuSeconds, procMemory } from './support/proc.js';
import { scaleChartSvg } from './support/scale-chart.js';
import { productProcessEnv, resetWithRoles, signingSecret, users } from './support/stack.js';
import { round, runLoad, type Summary } from './support/stats.js';
import { checkInWrittenLateness, timerLateness } from './support/timer-lateness.js';

export interface ScalePoint {
  deployments: number;
  /** `whole plan`: driven to completion by clicking its prompts; `canary`: until its first 6 h of check-ins fired. */
  scope: 'whole plan' | 'canary';
  /** Deployments that got there: completed (whole plan), or every check-in of the canary fired. */
  completed: number;
  wallSeconds: number;
  peakRssMb: number;
  peakRssKernelMb: number;
  /** V8's heapUsed at its peak (the rest of RSS is code, buffers and native memory). */
  peakHeapMb: number;
  cpuSeconds: number | undefined;
  /** CPU of the Postgres backends serving the product's database (those alive at the end). */
  postgresCpuSeconds: number;
  /** Share of the machine's CPUs busy over the run (everything: product, Postgres, Redis, the bench, other users). */
  machineBusyPercent: number;
  checkIns: {
    fired: number;
    expected: number;
    /** When they came due (fire_at), over the span from the first to the last, and the busiest second. */
    duePerSecondMean: number;
    duePerSecondPeak: number;
    /** fired_at − fire_at. */
    lateness: Summary;
    /** The product's own "timer fired" log: when the job started, before the check-in's work. */
    delivery: Summary;
    /** When each check-in's transaction began (after its figures and its turn) − fire_at. */
    written: Summary;
  };
  soakEndLateness: Summary;
  /** Step runs the reconciler called interrupted (the process never died). */
  interruptedWithoutCrash: number;
  startsFailedFirstTime: number;
  postgres: {
    /** pg_stat_database of the product's database over the run. */
    commitsPerSecond: number;
    rollbacks: number;
    rowsWrittenPerSecond: number;
    peakConnections: number;
  };
  redis: {
    commandsPerSecond: number;
    peakOpsPerSecond: number;
    usedMemoryPeakMb: number;
    peakClients: number;
  };
  /** Monitor polls per second over the run (one poll reads every metric of the plan). */
  monitorPollsPerSecond: number;
  slackCalls: number;
  states: Record<string, number>;
  productWarnings: Record<string, number>;
  error?: string;
}

export interface ScaleResults {
  timeScale: string;
  /** How the product ran: compiled JavaScript (`npm run build`, as `start:prod`), or tsx when the build failed. */
  runtime: 'compiled' | 'tsx';
  points: ScalePoint[];
  chart: string;
}

/**
 * 10, 100 and 1,000 deployments at once, each on its own environment, on one product process
 * (`src/main.ts`) at TIME_SCALE where their check-ins come due faster than 100 a second. The
 * smaller runs go through the whole plan; the largest through the canary and its first 6 hours of
 * check-ins. Draws bench/scale.svg.
 */
export async function benchScale(env: {
  databaseUrl: string;
  appDatabaseUrl: string;
}): Promise<ScaleResults> {
  const points: ScalePoint[] = [];
  // Production runs compiled JavaScript (the image, `npm run start:prod`): so does this part, with
  // the same V8 flags.
  let runtime: ScaleResults['runtime'] = 'compiled';
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    process.stderr.write('[bench] scale: npm run build failed; running the product with tsx\n');
    runtime = 'tsx';
  }
  for (const count of benchConfig.scale) {
    const scope = count >= benchConfig.scaleCanaryOnlyFrom ? 'canary' : 'whole plan';
    process.stderr.write(`[bench] scale: ${count} deployments (${scope}, ${runtime})\n`);
    points.push(await runPoint(env, count, scope, runtime));
  }
  const chart = new URL('./scale.svg', import.meta.url);
  await writeFile(chart, scaleChartSvg(points, targets));
  return { timeScale: benchConfig.scaleTimeScale, runtime, points, chart: 'bench/scale.svg' };
}

/**
 * The shipped plan, measured for Stagecoach's own work: its steps are the traffic command and the
 * health check (the sample workspace's `npm run` steps cost ~0.2 CPU-s each, about 15 CPU-minutes
 * for 1,000 deployments on their own). Monitors are not compressed like the rest: at TIME_SCALE
 * 57,600 the plan's 1-minute polls would be 4 a second per deployment (the product's floor is
 * 250 ms), 4,000 a second at 1,000 deployments, where production sees 17. A canary-only run polls
 * once a minute of wall-clock time, as production does; a whole-plan run every 24 h of plan time
 * (1.5 s), so that its 72-hour success window (4.5 s) has readings to judge.
 */
export const scalePlan = (count: number, scope: ScalePoint['scope']) => (plan: RawPlan) => {
  manyEnvironments(count)(plan);
  plan.steps = plan.steps.filter((step: { id: string }) => ['frontend', 'health_check'].includes(step.id));
  // No backup step, so nothing to restore: a rollback only reverts the traffic.
  plan.rollback.restoreDatabase.when = 'never';
  plan.monitoring.pollEvery = scope === 'canary' ? `${60 * Number(benchConfig.scaleTimeScale)}s` : '24h';
  for (const check of plan.successCriteria.integrationChecks)
    check.command = ['./deploy-frontend.sh', '--env={{environment}}', '--current-version'];
};

async function runPoint(
  env: { databaseUrl: string; appDatabaseUrl: string },
  count: number,
  scope: ScalePoint['scope'],
  runtime: ScaleResults['runtime'],
): Promise<ScalePoint> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-bench-scale-'));
  const logFile = join(dir, 'product.log');
  const redis = await startPrivateRedis();
  const slack = await startFakeSlack();
  const health = await startHealthServer();
  const prometheus = await startHealthyPrometheus();
  const workspace = await makeWorkspace();
  const db = new pg.Pool({ connectionString: env.databaseUrl, max: 4 });
  const redisInfo = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const database = new URL(env.databaseUrl).pathname.slice(1);
  await resetWithRoles(db);
  await writePlanCopy(`${workspace.dir}/plan.yaml`, scalePlan(count, scope));
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
        timeScale: benchConfig.scaleTimeScale,
      }),
      ...(runtime === 'compiled' ? { NODE_OPTIONS: await productionNodeFlags() } : {}),
    },
    logFile,
    ...(runtime === 'compiled'
      ? { compiled: true, imports: ['./bench/support/rss-probe.mjs'], entry: 'dist/src/main.js' }
      : { imports: ['./bench/support/rss-probe.ts'], entry: 'bench/support/product-entry.ts' }),
    ipc: true,
  });
  let probePeak = 0;
  let heapPeak = 0;
  app.onMessage((message) => {
    const m = message as { probe?: string; peak?: number; heapPeak?: number; heapUsed?: number };
    if (m.probe !== 'rss') return;
    if (typeof m.peak === 'number') probePeak = Math.max(probePeak, m.peak);
    heapPeak = Math.max(heapPeak, m.heapPeak ?? m.heapUsed ?? 0);
  });
  const peaks = { kernel: 0, connections: 0, ops: 0, clients: 0 };
  let keepLogs = process.env.BENCH_KEEP_LOGS === '1';
  const began = Date.now();
  let error: string | undefined;
  let states: Record<string, number> = {};
  let startsFailedFirstTime = 0;
  let completed = 0;
  const expectedCheckIns = count * checkInsPerDeployment;
  const sampler = setInterval(() => {
    sample().catch(() => undefined);
  }, 1_000);
  const sample = async () => {
    const pid = app.child?.pid;
    const memory = pid ? await procMemory(pid) : undefined;
    if (memory) peaks.kernel = Math.max(peaks.kernel, memory.hwm);
    const connections = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    peaks.connections = Math.max(peaks.connections, connections.rows[0]?.n ?? 0);
    const info = parseInfo(await redisInfo.info('stats'));
    const clients = parseInfo(await redisInfo.info('clients'));
    peaks.ops = Math.max(peaks.ops, Number(info.instantaneous_ops_per_sec ?? 0));
    peaks.clients = Math.max(peaks.clients, Number(clients.connected_clients ?? 0));
  };
  let pgBefore: PgCounters | undefined;
  const machineBefore = await machineCpu();
  let redisBefore = 0;
  let cpuSeconds: number | undefined;
  try {
    await app.boot();
    const pid = app.child?.pid as number;
    pgBefore = await pgCounters(db, database);
    redisBefore = Number(parseInfo(await redisInfo.info('stats')).total_commands_processed ?? 0);
    const client = createSlackClient({
      baseUrl: app.baseUrl,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    await runLoad({
      total: count,
      senders: benchConfig.senders,
      send: (i) => client.command(`start v4.0.0 to env-${i + 1}`, { user: users.lead }),
    });
    const missing = async () => {
      const have = new Set(
        (await db.query<{ environment: string }>('SELECT environment FROM deployments')).rows.map(
          (r) => r.environment,
        ),
      );
      return Array.from({ length: count }, (_, i) => `env-${i + 1}`).filter((e) => !have.has(e));
    };
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    startsFailedFirstTime = (await missing()).length;
    for (let round = 0; round < 5 && (await missing()).length > 0; round++) {
      const left = await missing();
      await runLoad({
        total: left.length,
        senders: 5,
        send: (i) => client.command(`start v4.0.0 to ${left[i]}`, { user: users.lead }),
      });
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
    const clicker = createClicker({
      slack,
      client,
      concurrency: benchConfig.senders,
      retryAfterMs: 5_000,
      maxAttempts: 40,
      choose: ({ buttons }) => {
        // The canary-only run clicks nothing but "mark done" (a false "interrupted"), which it counts.
        if (scope === 'whole plan' && buttons.some((b) => b.actionId === 'stage_promote'))
          return { actionId: 'stage_promote', user: users.lead };
        if (scope === 'whole plan' && buttons.some((b) => b.actionId === 'deploy_declare_complete'))
          return { actionId: 'deploy_declare_complete', user: users.project };
        if (buttons.some((b) => b.actionId === 'step_mark_done'))
          return { actionId: 'step_mark_done', user: users.lead };
        return undefined;
      },
    });
    const deadline = began + benchConfig.scaleDeadlineSeconds * 1000;
    let lastCheck = 0;
    for (;;) {
      if (app.unexpectedExit) throw new Error(`the product process ended on its own: ${app.unexpectedExit}`);
      if (Date.now() > deadline) throw new Error(`not done within ${benchConfig.scaleDeadlineSeconds} s`);
      // Scanning 1,000 threads for buttons costs the bench's own loop: only when there is something to click.
      if (scope === 'whole plan' || Date.now() - lastCheck > 900) await clicker.tick();
      if (Date.now() - lastCheck > 1_000) {
        lastCheck = Date.now();
        states = await countStates(db);
        if ((states.step_failed ?? 0) + (states.rollback_failed ?? 0) + (states.held ?? 0) > 0) {
          throw new Error(`a deployment halted: ${JSON.stringify(states)}`);
        }
        completed = scope === 'whole plan' ? (states.completed ?? 0) : await checkInsDone(db);
        if (completed >= count) break;
      }
      await new Promise((resolve) => setTimeout(resolve, scope === 'whole plan' ? 200 : 500));
    }
    cpuSeconds = await procCpuSeconds(pid);
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught);
    keepLogs = true;
  } finally {
    clearInterval(sampler);
  }
  const wallSeconds = (Date.now() - began) / 1000;
  try {
    await sample().catch(() => undefined);
    const machineAfter = await machineCpu();
    const pgAfter = await pgCounters(db, database);
    const backends = await db.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    let postgresCpuSeconds = 0;
    for (const { pid } of backends.rows) postgresCpuSeconds += (await procCpuSeconds(pid)) ?? 0;
    const redisAfter = Number(parseInfo(await redisInfo.info('stats')).total_commands_processed ?? 0);
    const redisMemory = await redis.memory();
    const checkIns = await dueTimes(db, 'check_in');
    const lateness = await timerLateness(db);
    const logged = await loggedTimerLateness(logFile);
    const interrupted = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM step_runs WHERE status IN ('interrupted', 'marked_done')`,
    );
    if ((interrupted.rows[0]?.n ?? 0) > 0) keepLogs = true;
    const samples = await db.query<{ polls: number }>(
      'SELECT count(DISTINCT (deployment_id, taken_at))::int AS polls FROM metric_samples',
    );
    const seconds = Math.max(1, wallSeconds);
    const before = pgBefore ?? pgAfter;
    return {
      deployments: count,
      scope,
      completed,
      wallSeconds: round(wallSeconds, 1),
      peakRssMb: round(probePeak / 2 ** 20, 1),
      peakRssKernelMb: round(peaks.kernel / 2 ** 20, 1),
      peakHeapMb: round(heapPeak / 2 ** 20, 1),
      cpuSeconds,
      postgresCpuSeconds: round(postgresCpuSeconds, 1),
      machineBusyPercent: round(
        (100 * (machineAfter.busy - machineBefore.busy)) /
          Math.max(1, machineAfter.total - machineBefore.total),
        1,
      ),
      checkIns: {
        fired: checkIns.fired,
        expected: expectedCheckIns,
        duePerSecondMean: checkIns.meanPerSecond,
        duePerSecondPeak: checkIns.peakPerSecond,
        lateness: lateness.check_in as Summary,
        delivery: logged.check_in as Summary,
        written: await checkInWrittenLateness(db),
      },
      soakEndLateness: lateness.soak_end as Summary,
      interruptedWithoutCrash: interrupted.rows[0]?.n ?? 0,
      startsFailedFirstTime,
      postgres: {
        commitsPerSecond: round((pgAfter.commits - before.commits) / seconds, 1),
        rollbacks: pgAfter.rollbacks - before.rollbacks,
        rowsWrittenPerSecond: round((pgAfter.written - before.written) / seconds, 1),
        peakConnections: peaks.connections,
      },
      redis: {
        commandsPerSecond: round((redisAfter - redisBefore) / seconds, 1),
        peakOpsPerSecond: peaks.ops,
        usedMemoryPeakMb: round(Number(redisMemory.used_memory_peak ?? 0) / 2 ** 20, 2),
        peakClients: peaks.clients,
      },
      monitorPollsPerSecond: round((samples.rows[0]?.polls ?? 0) / seconds, 1),
      slackCalls: slack.calls.length,
      states: await countStates(db),
      productWarnings: await warningsIn(logFile),
      ...(error ? { error } : {}),
    };
  } finally {
    await app.stop().catch(() => undefined);
    redisInfo.disconnect();
    await db.end();
    await slack.close();
    await health.close();
    await prometheus.close();
    await redis.close();
    await workspace.cleanup();
    if (!keepLogs) await rm(dir, { recursive: true, force: true });
    else process.stderr.write(`scale ${count}: product log kept in ${dir}\n`);
  }
}

/** The V8 flags of `npm run start:prod` (the heap cap), so the compiled product runs as in production. */
async function productionNodeFlags(): Promise<string> {
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
  return (pkg.scripts['start:prod']?.match(/--max-[a-z-]+=\d+/g) ?? []).join(' ');
}

/** The shipped plan's check-ins: every 30 minutes for the first 6 hours. */
const checkInsPerDeployment = 12;

/** Deployments whose every canary check-in has fired. */
async function checkInsDone(db: pg.Pool): Promise<number> {
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT deployment_id FROM timers WHERE kind = 'check_in' AND status = 'fired'
       GROUP BY deployment_id HAVING count(*) >= $1) done`,
    [checkInsPerDeployment],
  );
  return result.rows[0]?.n ?? 0;
}

/** How fast timers of `kind` came due: over the span of their fire_at, and in the busiest second. */
async function dueTimes(db: pg.Pool, kind: string) {
  const result = await db.query<{ at: number; fired: boolean }>(
    `SELECT (extract(epoch FROM fire_at) * 1000)::float8 AS at, status = 'fired' AS fired FROM timers
     WHERE kind = $1 ORDER BY fire_at`,
    [kind],
  );
  const times = result.rows.map((row) => row.at);
  let peak = 0;
  let left = 0;
  for (let right = 0; right < times.length; right++) {
    while ((times[right] as number) - (times[left] as number) >= 1_000) left++;
    peak = Math.max(peak, right - left + 1);
  }
  const span = times.length > 1 ? ((times.at(-1) as number) - (times[0] as number)) / 1000 : 1;
  return {
    fired: result.rows.filter((row) => row.fired).length,
    meanPerSecond: round(times.length / Math.max(span, 1), 1),
    peakPerSecond: peak,
  };
}

/** Busy and total jiffies of all CPUs, from /proc/stat. */
async function machineCpu(): Promise<{ busy: number; total: number }> {
  const stat = await readFile('/proc/stat', 'utf8').catch(() => 'cpu 0 0 0 0');
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, x) => sum + x, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

interface PgCounters {
  commits: number;
  rollbacks: number;
  written: number;
}

async function pgCounters(db: pg.Pool, database: string): Promise<PgCounters> {
  // Counters reach pg_stat_database when a backend reports, at most about once a second.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const result = await db.query<{ commits: string; rollbacks: string; written: string }>(
    `SELECT xact_commit AS commits, xact_rollback AS rollbacks, tup_inserted + tup_updated + tup_deleted AS written
     FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  const row = result.rows[0];
  return {
    commits: Number(row?.commits ?? 0),
    rollbacks: Number(row?.rollbacks ?? 0),
    written: Number(row?.written ?? 0),
  };
}

function parseInfo(info: string): Record<string, string> {
  return Object.fromEntries(
    info
      .split('\r\n')
      .filter((line) => line.includes(':'))
      .map((line) => line.split(':', 2) as [string, string]),
  );
}

interface Row {
  metric: string;
  stagecoach: string;
  baseline: string;
  ratio: string;
  target: string;
  result: 'pass' | 'miss' | 'info';
}

/** The `scale` part's rows of the bench table: one group per size. */
export function scaleRows(r: ScaleResults): Row[] {
  const rows: Row[] = [];
  const row = (metric: string, stagecoach: string, target = '', ok?: boolean): Row => ({
    metric,
    stagecoach,
    baseline: '',
    ratio: '',
    target,
    result: ok === undefined ? 'info' : ok ? 'pass' : 'miss',
  });
  for (const p of r.points) {
    const at = `${p.deployments} at once (${p.scope})`;
    const done = p.scope === 'whole plan' ? 'completed' : 'through all canary check-ins';
    rows.push(
      row(
        `scale ${at}: ${done}`,
        `${p.completed}/${p.deployments} in ${p.wallSeconds} s${p.error ? ` (${p.error})` : ''}`,
        'all',
        p.completed === p.deployments && !p.error,
      ),
    );
    const rss = Math.max(p.peakRssMb, p.peakRssKernelMb);
    rows.push(
      row(
        `scale ${at}: peak RSS (probe / kernel VmHWM; V8 heap used)`,
        `${p.peakRssMb} MB / ${p.peakRssKernelMb} MB (${p.peakHeapMb} MB)`,
        p.deployments >= 1000 ? `< ${targets.scalePeakRssMb} MB` : '',
        p.deployments >= 1000 ? rss < targets.scalePeakRssMb : undefined,
      ),
    );
    rows.push(
      row(
        `scale ${at}: check-ins due per second (mean / busiest second)`,
        `${p.checkIns.duePerSecondMean}/s / ${p.checkIns.duePerSecondPeak}/s (${p.checkIns.fired}/${p.checkIns.expected} fired)`,
        `≥ ${targets.scaleCheckInsDuePerSecond}/s`,
        p.checkIns.duePerSecondMean >= targets.scaleCheckInsDuePerSecond,
      ),
    );
    const late = p.checkIns.lateness;
    rows.push(
      row(
        `scale ${at}: check-in lateness p50 / p99 (fired_at − fire_at; written p99)`,
        `${round(late.p50, 1)} ms / ${round(late.p99, 1)} ms (${round(p.checkIns.written.p99, 1)} ms)`,
        `p99 < ${targets.scaleCheckInLatenessP99Ms} ms`,
        late.n > 0 && late.p99 < targets.scaleCheckInLatenessP99Ms,
      ),
    );
    const perCheckIn = (seconds: number | undefined) =>
      p.checkIns.fired > 0 && seconds !== undefined
        ? `${round((1000 * seconds) / p.checkIns.fired, 1)} ms`
        : '?';
    rows.push(
      row(
        `scale ${at}: CPU: product / its Postgres backends, per check-in fired (machine busy)`,
        `${p.cpuSeconds ?? '?'} s / ${p.postgresCpuSeconds} s, ${perCheckIn(p.cpuSeconds)} / ${perCheckIn(p.postgresCpuSeconds)} (${p.machineBusyPercent}%)`,
      ),
    );
    rows.push(
      row(
        `scale ${at}: steps called interrupted without any crash`,
        String(p.interruptedWithoutCrash),
        '0',
        p.interruptedWithoutCrash === 0,
      ),
    );
    rows.push(
      row(
        `scale ${at}: Postgres commits/s, rows written/s, peak connections (monitor polls/s)`,
        `${p.postgres.commitsPerSecond} / ${p.postgres.rowsWrittenPerSecond} / ${p.postgres.peakConnections} (${p.monitorPollsPerSecond})`,
      ),
    );
    rows.push(
      row(
        `scale ${at}: Redis commands/s (mean / busiest), used_memory_peak`,
        `${p.redis.commandsPerSecond} / ${p.redis.peakOpsPerSecond} / ${p.redis.usedMemoryPeakMb} MB`,
      ),
    );
  }
  rows.push(row('scale: chart of RSS, lateness and Postgres/Redis load against deployments', r.chart));
  return rows;
}
