import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export const queueNames = { steps: 'steps', timers: 'timers' } as const;

export interface StepJobData {
  deploymentId: number;
  stepRunId: number;
}

export interface TimerJobData {
  timerId: number;
}

export interface Queues {
  steps: Queue<StepJobData>;
  timers: Queue<TimerJobData>;
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
  return {
    steps,
    timers,
    prefix,
    async close() {
      await Promise.all([steps.close(), timers.close()]);
    },
  };
}

/** Deterministic job ids: enqueueing the same work twice is a no-op. BullMQ ids may not contain ':'. */
export const jobIds = {
  step: (stepRunId: number) => `step-${stepRunId}`,
  timer: (timerId: number) => `timer-${timerId}`,
};
