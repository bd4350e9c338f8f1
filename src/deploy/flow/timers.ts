import type { Redis } from 'ioredis';
import type pg from 'pg';
import {
  cancelTimers,
  insertTimer,
  listOverdueTimers,
  listPendingTimers,
  listTimersDueBetween,
  type Timer,
  type TimerKind,
} from '../../infra/db/timers.js';
import { jobIds } from '../../infra/queue/queues.js';
import type { DeployDeps } from '../../ports.js';

/**
 * A plan duration in wall-clock milliseconds: TIME_SCALE compresses it for rehearsals. For what
 * the system waits out by itself: soaks, the success window and its re-checks, check-in and review
 * intervals, monitor polls, the maintenance window's rows, the T+1w report.
 */
export function scaled(deps: Pick<DeployDeps, 'settings'>, durationMs: number): number {
  return Math.max(0, Math.round(durationMs / deps.settings.timeScale));
}

/**
 * A plan duration that waits for a person, in wall-clock milliseconds: the go/no-go deadline, a
 * check-in's answer window (and so the missed-check-in page), the auto-rollback grace. Divided by
 * REHEARSAL_DECISION_SCALE when set (1: people answer in real time while soaks fly by), else by
 * TIME_SCALE like everything else.
 */
export function scaledForPeople(deps: Pick<DeployDeps, 'settings'>, durationMs: number): number {
  const scale = deps.settings.decisionScale ?? deps.settings.timeScale;
  return Math.max(0, Math.round(durationMs / scale));
}

/** True when a rehearsal gives people more time than the machine: decisions run on their own clock. */
export function decisionsRunSlower(deps: Pick<DeployDeps, 'settings'>): boolean {
  const { decisionScale, timeScale } = deps.settings;
  return decisionScale !== undefined && decisionScale !== timeScale;
}

/** Records a timer in the caller's transaction; call `armTimers` after commit. */
export async function scheduleTimer(
  client: pg.PoolClient,
  deps: Pick<DeployDeps, 'settings' | 'clock'>,
  timer: {
    deploymentId: number | null;
    windowId?: number;
    kind: TimerKind;
    key: string;
    afterMs: number;
    from?: Date;
    payload?: Record<string, unknown>;
    /** The delay is a person's time to decide: scaled by `scaledForPeople`, not `scaled`. */
    waitsForPeople?: boolean;
  },
): Promise<Timer | undefined> {
  const from = timer.from ?? deps.clock();
  const delay = timer.waitsForPeople ? scaledForPeople(deps, timer.afterMs) : scaled(deps, timer.afterMs);
  return insertTimer(client, {
    deploymentId: timer.deploymentId,
    windowId: timer.windowId ?? null,
    kind: timer.kind,
    key: timer.key,
    fireAt: new Date(from.getTime() + delay),
    payload: timer.payload ?? {},
  });
}

/**
 * Puts a BullMQ delayed job behind each timer; the job id makes this safe to repeat. A timer due
 * soon also gets a wake-up that promotes its job on time (infra/queue/wakeups.ts).
 */
export async function armTimers(
  deps: Pick<DeployDeps, 'queues' | 'clock' | 'wakeups'>,
  timers: (Timer | undefined)[],
) {
  for (const timer of timers) {
    if (!timer) continue;
    await deps.queues.timers.add(
      'fire-timer',
      { timerId: timer.id },
      { jobId: jobIds.timer(timer.id), delay: Math.max(0, timer.fireAt.getTime() - deps.clock().getTime()) },
    );
    deps.wakeups?.at(jobIds.timer(timer.id), timer.fireAt);
  }
}

/**
 * Every half horizon, wake-ups for the timers that come due within the horizon: those armed long
 * ago, or by another process, or before a restart. The delayed jobs fire anyway, only later.
 */
export function startTimerWakeups(deps: Pick<DeployDeps, 'db' | 'clock' | 'wakeups' | 'log'>) {
  const wakeups = deps.wakeups;
  if (!wakeups) return { stop: () => undefined };
  const sweep = async () => {
    const now = deps.clock();
    const due = await listTimersDueBetween(deps.db, now, new Date(now.getTime() + wakeups.horizonMs));
    for (const timer of due) wakeups.at(jobIds.timer(timer.id), timer.fireAt);
  };
  const tick = () => {
    sweep().catch((error: unknown) => deps.log.warn({ err: error }, 'could not schedule timer wake-ups'));
  };
  tick();
  const interval = setInterval(tick, wakeups.horizonMs / 2);
  interval.unref();
  return { stop: () => clearInterval(interval) };
}

/** Everything that drives a live rollout; the T+1w review is kept even after a rollback or an abort. */
export const rolloutTimerKinds: TimerKind[] = [
  'soak_end',
  'go_no_go',
  'check_in',
  'review',
  'success_check',
  'auto_rollback',
];

/** Cancels pending timers in the caller's transaction; call `disarmTimers` after commit. */
export async function cancelDeploymentTimers(
  client: pg.PoolClient,
  deploymentId: number,
  kinds?: TimerKind[],
) {
  return cancelTimers(client, deploymentId, kinds);
}

export async function disarmTimers(deps: Pick<DeployDeps, 'queues' | 'wakeups'>, timers: Timer[]) {
  for (const timer of timers) {
    deps.wakeups?.cancel(jobIds.timer(timer.id));
    // A job already running re-reads its timer row and finds it cancelled.
    await deps.queues.timers.remove(jobIds.timer(timer.id)).catch(() => undefined);
  }
}

/** A timer this late and still pending has lost its job, or waits behind others (checked). */
const overdueMs = 5_000;

/**
 * Recreates from Postgres any timer whose job Redis lost. `all` looks at every pending timer (at
 * start-up and after Redis lost its data); `overdue` only at the oldest ones past due by a few
 * seconds, which is where a job lost otherwise shows. Either way a timer whose job is still
 * delayed costs one pipelined ZSCORE: 1,000 deployments hold some 23,000 pending timers.
 */
export async function rearmPendingTimers(
  deps: Pick<DeployDeps, 'db' | 'queues' | 'clock' | 'wakeups'>,
  redis: Redis,
  scope: 'all' | 'overdue' = 'all',
): Promise<number> {
  const timers =
    scope === 'all'
      ? await listPendingTimers(deps.db)
      : await listOverdueTimers(deps.db, new Date(deps.clock().getTime() - overdueMs), 200);
  let rearmed = 0;
  for (let start = 0; start < timers.length; start += 500) {
    const batch = timers.slice(start, start + 500);
    const pipeline = redis.pipeline();
    for (const timer of batch) pipeline.zscore(deps.queues.timers.toKey('delayed'), jobIds.timer(timer.id));
    const delayed = (await pipeline.exec()) ?? [];
    for (const [index, timer] of batch.entries()) {
      const [error, score] = delayed[index] ?? [null, null];
      if (!error && score !== null) continue;
      if (await rearmIfLost(deps, redis, timer)) rearmed++;
    }
  }
  return rearmed;
}

async function rearmIfLost(
  deps: Pick<DeployDeps, 'queues' | 'clock' | 'wakeups'>,
  redis: Redis,
  timer: Timer,
): Promise<boolean> {
  const jobId = jobIds.timer(timer.id);
  const job = await deps.queues.timers.getJob(jobId);
  if (job) {
    const state = await job.getState();
    // Active with no lock: its worker died mid-job. BullMQ would redeliver it only at its next
    // stalled check; the row is claimed once, so arming it again now cannot fire it twice.
    const orphaned =
      state === 'active' && (await redis.exists(deps.queues.timers.toKey(`${jobId}:lock`))) === 0;
    if (state !== 'completed' && state !== 'failed' && !orphaned) return false;
    // Finished without claiming the row (e.g. it fired early and the re-arm was lost): arm it again.
    await job.remove().catch(() => undefined);
  }
  await armTimers(deps, [timer]);
  return true;
}
