import type { StepRun } from '../../infra/db/step-runs.js';
import { jobIds } from '../../infra/queue/queues.js';
import type { DeployDeps } from '../../ports.js';

/**
 * Makes sure a step run has a job. The deterministic job id makes a second enqueue a no-op while
 * the job waits or runs; a finished job of the same run (deferred by a hold) is replaced.
 */
export async function enqueueStep(
  deps: Pick<DeployDeps, 'queues'>,
  run: Pick<StepRun, 'id' | 'deploymentId'>,
) {
  const jobId = jobIds.step(run.id);
  const existing = await deps.queues.steps.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed') return;
    await existing.remove().catch(() => undefined);
  }
  await deps.queues.steps.add('run-step', { deploymentId: run.deploymentId, stepRunId: run.id }, { jobId });
}
