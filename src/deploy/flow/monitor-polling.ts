import type { DeployDeps } from '../../ports.js';
import { scaled } from './timers.js';

const schedulerId = (deploymentId: number) => `monitor-${deploymentId}`;

/** Polls the deployment's monitors every `pollEvery` (scaled). Idempotent: the reconciler calls it again. */
export async function startMonitoring(
  deps: Pick<DeployDeps, 'queues' | 'plan' | 'settings'>,
  deploymentId: number,
) {
  // Upserting an existing scheduler would move its next run; leave a running one alone.
  if (await deps.queues.monitor.getJobScheduler(schedulerId(deploymentId))) return;
  await deps.queues.monitor.upsertJobScheduler(
    schedulerId(deploymentId),
    { every: Math.max(250, scaled(deps, deps.plan.monitoring.pollEvery)) },
    { name: 'poll-monitors', data: { deploymentId } },
  );
}

export async function stopMonitoring(deps: Pick<DeployDeps, 'queues'>, deploymentId: number) {
  await deps.queues.monitor.removeJobScheduler(schedulerId(deploymentId)).catch(() => undefined);
}
