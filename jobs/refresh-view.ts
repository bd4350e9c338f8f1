import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { updateRootNow } from '../src/announce/root.js';
import { refreshHomes } from '../src/deploy/actions/home.js';
import type { ViewJobData } from '../src/infra/queue/queues.js';
import type { DeployDeps } from '../src/ports.js';

const viewJobSchema = z.object({ deploymentId: z.number().int().positive() });

/** Processor of the `views` queue: re-renders a deployment's root message from Postgres. */
export function refreshViewProcessor(deps: DeployDeps) {
  return async (job: Job<ViewJobData>) => {
    const parsed = viewJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad view job data: ${parsed.error.message}`);
    await updateRootNow(deps, parsed.data.deploymentId);
    // The same change may concern someone's "Needs you" list.
    await refreshHomes(deps);
  };
}
