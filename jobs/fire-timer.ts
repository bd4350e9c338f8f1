import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { fireTimer } from '../src/deploy/flow/fire-timer.js';
import type { TimerJobData } from '../src/infra/queue/queues.js';
import type { DeployDeps } from '../src/ports.js';

const timerJobSchema = z.object({ timerId: z.number().int().positive() });

/** Processor of the `timers` queue: the timer row in Postgres decides whether anything happens. */
export function fireTimerProcessor(deps: DeployDeps) {
  return async (job: Job<TimerJobData>) => {
    const parsed = timerJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad timer job data: ${parsed.error.message}`);
    return fireTimer(deps, parsed.data.timerId);
  };
}
