import { Job, type Queue } from 'bullmq';

/**
 * Promotes delayed jobs at their due time from this process's own clock. BullMQ picks a delayed job
 * when the worker's blocking `BZPOPMIN` times out, and Redis notices that timeout only on its next
 * event-loop turn: with the default `hz 10`, up to 100 ms late on a quiet server. A promotion wakes
 * the worker at once. The delayed job stays the durable path: a wake-up that is lost (a restart, a
 * process that never armed it) only costs that precision.
 */
export interface Wakeups {
  /** Promote `jobId` at `at`; ignored beyond the horizon (the sweep schedules those later) or when already due. */
  at(jobId: string, at: Date): void;
  cancel(jobId: string): void;
  /** How far ahead a wake-up is kept in memory: a sweep must look at least this far ahead, this often. */
  readonly horizonMs: number;
  /** Wake-ups waiting in memory (for tests and metrics). */
  readonly size: number;
  close(): void;
}

/** BullMQ's ErrorCode.JobNotInState, the answer of `promote` for a job that is no longer delayed. */
const notDelayed = -3;

/**
 * Promotes a delayed job of `queue` by id, without reading it first (one script call). A job that
 * is gone, or no longer delayed, is answered with BullMQ's "not in the delayed state".
 */
export const promoteIn =
  (queue: Queue) =>
  (jobId: string): Promise<void> =>
    new Job(queue, 'wake-up', {}, {}, jobId).promote();

export function createWakeups(
  promote: (jobId: string) => Promise<void>,
  options: { horizonMs?: number; onError?: (error: unknown, jobId: string) => void } = {},
): Wakeups {
  const horizonMs = options.horizonMs ?? 30_000;
  const pending = new Map<string, { at: number; timeout: NodeJS.Timeout }>();
  let closed = false;

  const schedule = (jobId: string, at: number) => {
    const timeout = setTimeout(() => {
      // Timers may run a little before the wall clock reaches `at`: never wake a job early.
      const left = at - Date.now();
      if (left > 0) return schedule(jobId, at);
      pending.delete(jobId);
      promote(jobId).catch((error: unknown) => {
        // Gone, or not delayed any more: the worker (or another process) took it first.
        if ((error as { code?: number }).code !== notDelayed) options.onError?.(error, jobId);
      });
    }, at - Date.now());
    // A wake-up must not keep a stopping process alive.
    timeout.unref();
    pending.set(jobId, { at, timeout });
  };

  return {
    horizonMs,
    get size() {
      return pending.size;
    },
    at(jobId, when) {
      const at = when.getTime();
      const delay = at - Date.now();
      if (closed || delay <= 0 || delay > horizonMs) return;
      const existing = pending.get(jobId);
      if (existing?.at === at) return;
      if (existing) clearTimeout(existing.timeout);
      schedule(jobId, at);
    },
    cancel(jobId) {
      const existing = pending.get(jobId);
      if (!existing) return;
      clearTimeout(existing.timeout);
      pending.delete(jobId);
    },
    close() {
      closed = true;
      for (const { timeout } of pending.values()) clearTimeout(timeout);
      pending.clear();
    },
  };
}
