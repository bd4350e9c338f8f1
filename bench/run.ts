import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { startPrivateRedis } from '../test/faults/support/private-redis.js';
import { type AckResults, benchAck } from './ack-latency.js';
import { benchClickToStep, type ClickResults } from './click-to-step.js';
import { benchConcurrent, type ConcurrentResults } from './concurrent-rehearsals.js';
import { benchConfig, targets } from './config.js';
import { benchIdleRss, type IdleRssResults } from './idle-rss.js';
import { benchScale, type ScaleResults, scaleRows } from './scale.js';
import { benchSlackRateLimits, type SlackRateResults, slackRows } from './slack-rate-limits.js';
import { createBenchDatabases } from './support/databases.js';
import { round } from './support/stats.js';

/**
 * `npm run bench [-- ack click concurrent]`: Stagecoach against its floors (bare Bolt, bare BullMQ)
 * in the same run, on loopback only. Prints a table and writes bench/results.json. Targets are
 * reported, never asserted.
 */
async function main() {
  const parts = new Set(process.argv.slice(2).filter((arg) => !arg.startsWith('-')));
  const run = (part: string) => parts.size === 0 || parts.has(part);
  const started = new Date();
  const machine = {
    cpus: cpus().length,
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => round(x)),
  };
  const dbs = await createBenchDatabases();
  const redis = await startPrivateRedis();
  const results: {
    ack?: AckResults;
    click?: ClickResults;
    concurrent?: ConcurrentResults;
    idle?: IdleRssResults;
    slack?: SlackRateResults;
    scale?: ScaleResults;
  } = {};
  const errors: Record<string, string> = {};
  const log = (text: string) =>
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
  // A part that fails is reported and the others still run.
  const attempt = async <T>(part: string, label: string, work: () => Promise<T>): Promise<T | undefined> => {
    if (!run(part)) return undefined;
    log(label);
    try {
      return await work();
    } catch (error) {
      errors[part] = error instanceof Error ? error.message : String(error);
      log(`${part} failed: ${errors[part]}`);
      return undefined;
    }
  };
  try {
    results.ack = await attempt(
      'ack',
      `ack latency: ${benchConfig.statusRounds}×${benchConfig.statusPerRound} status and ${benchConfig.starts} starts, ${benchConfig.senders} senders`,
      () => benchAck({ ...dbs, redisUrl: redis.url }),
    );
    results.click = await attempt(
      'click',
      `click → step start: ${benchConfig.rehearsals} sequential rehearsals`,
      () => benchClickToStep({ ...dbs, redisUrl: redis.url }),
    );
    results.idle = await attempt('idle', 'idle RSS: compiled (start:prod) against tsx (npm start)', () =>
      benchIdleRss({ databaseUrl: dbs.databaseUrl, redisUrl: redis.url }),
    );
    results.concurrent = await attempt(
      'concurrent',
      `${benchConfig.concurrent} concurrent rehearsals on one product process`,
      () => benchConcurrent(dbs),
    );
    results.scale = await attempt(
      'scale',
      `scale: ${benchConfig.scale.join(', ')} deployments at once on one product process`,
      () => benchScale(dbs),
    );
    results.slack = await attempt(
      'slack',
      `Slack rate limits: ${benchConfig.slackDeployments} deployments started at once in one channel`,
      () => benchSlackRateLimits(dbs),
    );
  } finally {
    await redis.close();
    await dbs.drop();
  }
  const rows = table(results);
  const out = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: loadavg().map((x) => round(x)) },
    config: benchConfig,
    targets,
    rows,
    errors,
    results,
  };
  await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
  print(rows);
  for (const [part, message] of Object.entries(errors))
    process.stdout.write(`\n${part}: FAILED: ${message}\n`);
  if (Object.keys(errors).length > 0) process.exitCode = 1;
  process.stdout.write(
    `\nload average ${machine.loadAverageAtStart.join(' ')} → ${out.machine.loadAverageAtEnd.join(' ')} on ${machine.cpus} CPUs; details in bench/results.json\n`,
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

const ms = (x: number) => `${round(x, 1)} ms`;
const verdict = (ok: boolean): Row['result'] => (ok ? 'pass' : 'miss');

function table(r: {
  ack?: AckResults;
  click?: ClickResults;
  concurrent?: ConcurrentResults;
  idle?: IdleRssResults;
  slack?: SlackRateResults;
  scale?: ScaleResults;
}): Row[] {
  const rows: Row[] = [];
  if (r.idle) {
    rows.push({
      metric: 'idle RSS of the process tree, local mode',
      stagecoach: `compiled ${r.idle.compiledMb} MB`,
      baseline: `tsx ${r.idle.tsxMb} MB`,
      ratio: `${round(r.idle.compiledMb / r.idle.tsxMb, 2)}x`,
      target: 'compiled below tsx',
      result: verdict(r.idle.compiledMb < r.idle.tsxMb),
    });
  }
  if (r.ack) {
    for (const [name, a] of [
      ['/deploy status', r.ack.status],
      ['/deploy start', r.ack.start],
    ] as const) {
      const ratio = a.stagecoach.p99 / a.bare.p99;
      rows.push({
        metric: `ack ${name} p50 / p99 (n=${a.stagecoach.n}, 20 senders)`,
        stagecoach: `${ms(a.stagecoach.p50)} / ${ms(a.stagecoach.p99)}`,
        baseline: `bare Bolt ${ms(a.bare.p50)} / ${ms(a.bare.p99)}`,
        ratio: `${round(ratio, 1)}x (p99)`,
        target: `p99 < ${targets.ackP99Ms} ms, ≤ ${targets.ackRatio}x`,
        result: verdict(a.stagecoach.p99 < targets.ackP99Ms && ratio <= targets.ackRatio && a.errors === 0),
      });
    }
  }
  if (r.click) {
    const c = r.click;
    rows.push({
      metric: `approve click → shift_to_expanded started p50 / p95 (n=${c.clickToStep.n})`,
      stagecoach: `${ms(c.clickToStep.p50)} / ${ms(c.clickToStep.p95)}`,
      baseline: `BullMQ add→process ${ms(c.bullAddToProcess.p50)} / ${ms(c.bullAddToProcess.p95)}`,
      ratio: `${round(c.clickToStep.p95 / c.bullAddToProcess.p95, 1)}x (p95)`,
      target: `p95 ≤ ${targets.clickToStepRatio}x BullMQ`,
      result: verdict(c.clickToStep.p95 <= targets.clickToStepRatio * c.bullAddToProcess.p95),
    });
    rows.push({
      metric: `  the design's floor: signed click → bare Bolt ack → one audited transaction → BullMQ → claim (n=${c.designFloor.n})`,
      stagecoach: `${ms(c.designFloor.p50)} / ${ms(c.designFloor.p95)}`,
      baseline: `BullMQ ${ms(c.bullAddToProcess.p95)} (p95)`,
      ratio: `stagecoach ${round(c.clickToStep.p95 / c.designFloor.p95, 1)}x floor`,
      target: '',
      result: 'info',
    });
    rows.push({
      metric: `approve click → its command about to start ("step started") p50 / p95 (n=${c.clickToCommand.n})`,
      stagecoach: `${ms(c.clickToCommand.p50)} / ${ms(c.clickToCommand.p95)}`,
      baseline: '',
      ratio: '',
      target: '',
      result: 'info',
    });
    for (const [phase, t] of Object.entries(c.phases)) {
      rows.push({
        metric: `  of which ${phase} p50 / p95`,
        stagecoach: `${ms(t.p50)} / ${ms(t.p95)}`,
        baseline: '',
        ratio: '',
        target: '',
        result: 'info',
      });
    }
    for (const [kind, t] of Object.entries(c.timersLogged)) {
      rows.push({
        metric: `timer delivery ${kind} p50 / p99 (log latenessMs, n=${t.n})`,
        stagecoach: `${ms(t.p50)} / ${ms(t.p99)}`,
        baseline: '',
        ratio: '',
        target: '',
        result: 'info',
      });
    }
    for (const [kind, t] of Object.entries(c.timers)) {
      rows.push({
        metric: `timer lateness ${kind} p50 / p99 (fired_at − fire_at, n=${t.n}, sequential rehearsals)`,
        stagecoach: `${ms(t.p50)} / ${ms(t.p99)}`,
        baseline: '',
        ratio: '',
        target: `p99 < ${targets.timerPrecisionP99Ms} ms`,
        result: t.n === 0 ? 'info' : verdict(t.p99 < targets.timerPrecisionP99Ms),
      });
    }
    rows.push({
      metric: `  check-ins written p50 / p99 (their transaction began − fire_at, n=${c.checkInsWritten.n})`,
      stagecoach: `${ms(c.checkInsWritten.p50)} / ${ms(c.checkInsWritten.p99)}`,
      baseline: '',
      ratio: '',
      target: '',
      result: 'info',
    });
  }
  if (r.concurrent) {
    const c = r.concurrent;
    rows.push({
      metric: `${c.deployments} concurrent rehearsals completed`,
      stagecoach: `${c.completed}/${c.deployments} in ${c.wallSeconds} s`,
      baseline: '',
      ratio: '',
      target: 'all complete',
      result: verdict(c.completed === c.deployments),
    });
    rows.push({
      metric: 'peak RSS of the product process (probe / kernel VmHWM)',
      stagecoach: `${c.peakRssMb} MB / ${c.peakRssKernelMb} MB`,
      baseline: '',
      ratio: '',
      target: `< ${targets.peakRssMb} MB`,
      result: verdict(Math.max(c.peakRssMb, c.peakRssKernelMb) < targets.peakRssMb),
    });
    rows.push({
      metric: 'starts that failed in the 20-sender burst (sent again later)',
      stagecoach: `${c.startsFailedFirstTime}/${c.deployments}`,
      baseline: '',
      ratio: '',
      target: '0',
      result: verdict(c.startsFailedFirstTime === 0),
    });
    rows.push({
      metric: 'steps called interrupted without any crash (marked done)',
      stagecoach: `${c.interruptedWithoutCrash.length}`,
      baseline: '',
      ratio: '',
      target: '0',
      result: verdict(c.interruptedWithoutCrash.length === 0),
    });
    rows.push({
      metric: 'Redis used_memory_peak (private server)',
      stagecoach: `${c.redisUsedMemoryPeakMb} MB`,
      baseline: '',
      ratio: '',
      target: '',
      result: 'info',
    });
    for (const [channel, rate] of Object.entries(c.slackCallsPerChannel)) {
      rows.push({
        metric: `Slack Web API calls in ${channel} (mean / busiest second)`,
        stagecoach: `${rate.meanPerSecond}/s / ${rate.peakPerSecond}/s (${rate.calls} calls)`,
        baseline: 'Slack: ~1 post/s per channel',
        ratio: '',
        target: '',
        result: 'info',
      });
    }
    for (const [kind, t] of Object.entries(c.timersLogged)) {
      rows.push({
        metric: `timer delivery ${kind} p50 / p99 (log latenessMs, n=${t.n}, ${c.deployments} concurrent)`,
        stagecoach: `${ms(t.p50)} / ${ms(t.p99)}`,
        baseline: '',
        ratio: '',
        target: '',
        result: 'info',
      });
    }
    for (const [kind, t] of Object.entries(c.timers)) {
      rows.push({
        metric: `timer lateness ${kind} p50 / p99 (fired_at − fire_at, n=${t.n}, ${c.deployments} concurrent)`,
        stagecoach: `${ms(t.p50)} / ${ms(t.p99)}`,
        baseline: '',
        ratio: '',
        target: `p99 < ${targets.timerLatenessP99Ms} ms`,
        result: t.n === 0 ? 'info' : verdict(t.p99 < targets.timerLatenessP99Ms),
      });
    }
  }
  if (r.scale) rows.push(...scaleRows(r.scale));
  if (r.slack) rows.push(...slackRows(r.slack));
  return rows;
}

function print(rows: Row[]) {
  const headers = ['metric', 'stagecoach', 'baseline', 'ratio', 'target', 'result'] as const;
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((row) => row[h].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] as number)).join(' | ')} |`;
  process.stdout.write(`${line([...headers])}\n`);
  process.stdout.write(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  for (const row of rows) process.stdout.write(`${line(headers.map((h) => row[h]))}\n`);
}

// Ctrl-C: exit through 'exit' hooks, which stop the private Redis.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
