import type { Redis } from 'ioredis';
import type pg from 'pg';
import {
  cancelTimers,
  insertTimer,
  listPendingTimers,
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

/** Puts a BullMQ delayed job behind each timer; the job id makes this safe to repeat. */
export async function armTimers(deps: Pick<DeployDeps, 'queues' | 'clock'>, timers: (Timer | undefined)[]) {
  for (const timer of timers) {
    if (!timer) continue;
    await deps.queues.timers.add(
      'fire-timer',
      { timerId: timer.id },
      { jobId: jobIds.timer(timer.id), delay: Math.max(0, timer.fireAt.getTime() - deps.clock().getTime()) },
    );
  }
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

export async function disarmTimers(deps: Pick<DeployDeps, 'queues'>, timers: Timer[]) {
  for (const timer of timers) {
    // A job already running re-reads its timer row and finds it cancelled.
    await deps.queues.timers.remove(jobIds.timer(timer.id)).catch(() => undefined);
  }
}

/** Recreates from Postgres any timer whose job Redis lost. */
export async function rearmPendingTimers(
  deps: Pick<DeployDeps, 'db' | 'queues' | 'clock'>,
  redis: Redis,
): Promise<number> {
  let rearmed = 0;
  for (const timer of await listPendingTimers(deps.db)) {
    const jobId = jobIds.timer(timer.id);
    const job = await deps.queues.timers.getJob(jobId);
    if (job) {
      const state = await job.getState();
      // Active with no lock: its worker died mid-job. BullMQ would redeliver it only at its next
      // stalled check; the row is claimed once, so arming it again now cannot fire it twice.
      const orphaned =
        state === 'active' && (await redis.exists(deps.queues.timers.toKey(`${jobId}:lock`))) === 0;
      if (state !== 'completed' && state !== 'failed' && !orphaned) continue;
      // Finished without claiming the row (e.g. it fired early and the re-arm was lost): arm it again.
      await job.remove().catch(() => undefined);
    }
    await armTimers(deps, [timer]);
    rearmed++;
  }
  return rearmed;
}
