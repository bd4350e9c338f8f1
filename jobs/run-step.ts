import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { runStepRun } from '../src/deploy/flow/run-step.js';
import type { StepJobData } from '../src/infra/queue/queues.js';
import type { DeployDeps } from '../src/ports.js';

const stepJobSchema = z.object({
  deploymentId: z.number().int().positive(),
  stepRunId: z.number().int().positive(),
});

/** Processor of the `steps` queue: validate, then let the service claim and run the step. */
export function runStepProcessor(deps: DeployDeps) {
  return async (job: Job<StepJobData>, _token?: string, signal?: AbortSignal) => {
    const parsed = stepJobSchema.safeParse(job.data);
    // A retry cannot fix malformed data.
    if (!parsed.success) throw new UnrecoverableError(`bad step job data: ${parsed.error.message}`);
    const signals = [signal, deps.shutdown].filter((s): s is AbortSignal => s !== undefined);
    return runStepRun(deps, parsed.data.stepRunId, signals.length > 0 ? AbortSignal.any(signals) : undefined);
  };
}
