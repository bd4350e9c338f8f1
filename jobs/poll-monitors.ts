import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { pollMonitors } from '../src/deploy/flow/poll-monitors.js';
import type { MonitorJobData } from '../src/infra/queue/queues.js';
import type { DeployDeps } from '../src/ports.js';

const monitorJobSchema = z.object({ deploymentId: z.number().int().positive() });

/** Processor of the `monitor` queue: one poll of a deployment's monitors. */
export function pollMonitorsProcessor(deps: DeployDeps) {
  return async (job: Job<MonitorJobData>) => {
    const parsed = monitorJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad monitor job data: ${parsed.error.message}`);
    return pollMonitors(deps, parsed.data.deploymentId);
  };
}
