import type { StepRun } from '../db/step-runs.js';
import { jobIds } from '../queue/queues.js';
import type { DeployDeps } from './deps.js';

/** Enqueues a step run; the deterministic job id makes a second enqueue of the same run a no-op. */
export async function enqueueStep(deps: Pick<DeployDeps, 'queues'>, run: Pick<StepRun, 'id' | 'deploymentId'>) {
  await deps.queues.steps.add(
    'run-step',
    { deploymentId: run.deploymentId, stepRunId: run.id },
    { jobId: jobIds.step(run.id) },
  );
}
