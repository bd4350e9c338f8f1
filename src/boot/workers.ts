import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { fireTimerProcessor } from '../../jobs/fire-timer.js';
import { pollMonitorsProcessor } from '../../jobs/poll-monitors.js';
import { refreshViewProcessor } from '../../jobs/refresh-view.js';
import { runStepProcessor } from '../../jobs/run-step.js';
import { sendNotificationProcessor } from '../../jobs/send-notification.js';
import { reportFailedJob } from '../deploy/flow/report-failed-job.js';
import { queueNames } from '../infra/queue/queues.js';
import type { DeployDeps } from '../ports.js';

export interface Workers {
  all: Worker[];
  close(force?: boolean): Promise<void>;
}

/**
 * Steps are not idempotent, so a stalled step job is never re-delivered (maxStalledCount 0):
 * the reconciler marks its run interrupted and asks the channel instead.
 */
export function startWorkers(deps: DeployDeps, connection: Redis, prefix: string): Workers {
  const steps = new Worker(queueNames.steps, runStepProcessor(deps), {
    connection,
    prefix,
    concurrency: 20,
    maxStalledCount: 0,
    // Renewed every 5 s while the step runs; a crashed worker's step is seen as interrupted ~10 s later.
    lockDuration: 10_000,
  });
  // Timers only touch Postgres and Slack: safe to re-deliver, since the row is claimed once. One
  // deployment's timers take their turns in memory (fire-timer.ts), so a burst of them holds a
  // slot each but no pool connection: the slots are cheap, and other deployments' timers go on.
  const timers = new Worker(queueNames.timers, fireTimerProcessor(deps), {
    connection,
    prefix,
    concurrency: 50,
    // Short, like steps: a timer job cut off by a crash is re-armed by the reconciler ~10 s later.
    lockDuration: 10_000,
  });
  // Notifications are claimed once in Postgres, so a re-delivered job does not send twice.
  const notify = new Worker(queueNames.notify, sendNotificationProcessor(deps), {
    connection,
    prefix,
    concurrency: 5,
  });
  // One poll per deployment at a time is plenty; polls only read metrics and write Postgres.
  const monitor = new Worker(queueNames.monitor, pollMonitorsProcessor(deps), {
    connection,
    prefix,
    concurrency: 10,
  });
  // A view job only re-renders a message from Postgres.
  const views = new Worker(queueNames.views, refreshViewProcessor(deps), {
    connection,
    prefix,
    concurrency: 10,
  });
  const all = [steps, timers, notify, monitor, views];
  for (const worker of all) {
    worker.on('failed', (job, error) => {
      deps.metrics?.jobs.inc({ queue: worker.name, outcome: 'failed' });
      deps.log.error({ err: error, jobId: job?.id, queue: worker.name }, 'job failed');
      if (!job || !failedForGood(job, error)) return;
      // Said where people look, not only in the logs; never allowed to break the worker.
      reportFailedJob(deps, {
        queue: worker.name,
        jobId: job.id,
        data: job.data,
        attemptsMade: job.attemptsMade,
        error,
      }).catch((reportError: unknown) =>
        deps.log.warn(
          { err: reportError, jobId: job.id, queue: worker.name },
          'could not report a failed job',
        ),
      );
    });
    worker.on('completed', () => deps.metrics?.jobs.inc({ queue: worker.name, outcome: 'completed' }));
    worker.on('error', (error) => deps.log.error({ err: error, queue: worker.name }, 'worker error'));
    worker.on('stalled', (jobId) => deps.log.warn({ jobId, queue: worker.name }, 'job stalled'));
  }
  return {
    all,
    async close(force = false) {
      await Promise.all(all.map((worker) => worker.close(force)));
    },
  };
}

/**
 * BullMQ will not try this job again: its last attempt, or an unrecoverable error. A stalled job
 * (its worker died) is left to the reconciler, which already says what happened to it.
 */
export function failedForGood(job: Pick<Job, 'attemptsMade' | 'opts'>, error: Error): boolean {
  if (/stalled/i.test(error.message)) return false;
  return error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
}
