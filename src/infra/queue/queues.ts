import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const queueNames = {
  steps: 'steps',
  timers: 'timers',
  notify: 'notify',
  monitor: 'monitor',
  views: 'views',
} as const;

export interface StepJobData {
  deploymentId: number;
  stepRunId: number;
}

export interface TimerJobData {
  timerId: number;
}

export interface MonitorJobData {
  deploymentId: number;
}

export interface NotificationJobData {
  notificationId: number;
}

/** Re-render a message that is a view of Postgres: a deployment's root message, or everyone's App Home. */
export type ViewJobData = { deploymentId: number } | { homes: true };

export interface Queues {
  steps: Queue<StepJobData>;
  timers: Queue<TimerJobData>;
  notify: Queue<NotificationJobData>;
  monitor: Queue<MonitorJobData>;
  views: Queue<ViewJobData>;
  prefix: string;
  close(): Promise<void>;
}

export function createQueues(connection: Redis, prefix = 'stagecoach'): Queues {
  const defaultJobOptions = {
    attempts: 1,
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  const steps = new Queue<StepJobData>(queueNames.steps, { connection, prefix, defaultJobOptions });
  const timers = new Queue<TimerJobData>(queueNames.timers, { connection, prefix, defaultJobOptions });
  // Sending is retried: the outbox row, claimed once, keeps a retry from sending twice.
  const notify = new Queue<NotificationJobData>(queueNames.notify, {
    connection,
    prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: 8, backoff: { type: 'exponential', delay: 1_000 } },
  });
  // Monitor polls are periodic (a job scheduler per deployment) and keep little history.
  const monitor = new Queue<MonitorJobData>(queueNames.monitor, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 1, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } },
  });
  // Views are re-rendered from Postgres, so a lost or repeated job costs one stale or extra edit.
  const views = new Queue<ViewJobData>(queueNames.views, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { count: 100 },
    },
  });
  return {
    steps,
    timers,
    notify,
    monitor,
    views,
    prefix,
    async close() {
      await Promise.all([steps.close(), timers.close(), notify.close(), monitor.close(), views.close()]);
    },
  };
}

/** Deterministic job ids: enqueueing the same work twice is a no-op. BullMQ ids may not contain ':'. */
export const jobIds = {
  step: (stepRunId: number) => `step-${stepRunId}`,
  timer: (timerId: number) => `timer-${timerId}`,
  notification: (notificationId: number) => `notification-${notificationId}`,
};
