import type pg from 'pg';
import { note } from '../../announce/blocks/rollout-messages.js';
import { noteInThread } from '../../announce/thread.js';
import { closeOpenPrompts } from '../../infra/db/prompts.js';
import { cancelPendingStepRuns } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { cancelDeploymentTimers } from './timers.js';

/** The longest a dry run's soak lasts, in wall-clock milliseconds: nothing real is soaking. */
export const dryRunSoakMs = 5_000;

/** A stage's soak, in plan milliseconds: a dry run's is capped at `dryRunSoakMs` of wall-clock time. */
export function soakOf(deps: Pick<DeployDeps, 'settings'>, dryRun: boolean, minSoak: number): number {
  return dryRun ? Math.min(minSoak, dryRunSoakMs * deps.settings.timeScale) : minSoak;
}

/**
 * A dry run reached the point where a person would promote or declare: it ends by itself, as
 * `completed` (event `dry_run_finished`), with no rollback, no environment lock, no announcement
 * beyond its own thread: every timer (the T+1w review too) is cancelled, open prompts are closed,
 * monitoring stops.
 */
export async function finishDryRun(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
  at: 'promotion' | 'declaration',
): Promise<void> {
  await applyTransition(client, deps.plan, deploymentId, 'dry_run_finished', 'stagecoach', {
    detail: { at },
  });
  later.disarm.push(...(await cancelDeploymentTimers(client, deploymentId)));
  const closed = await closeOpenPrompts(client, deploymentId, 'Closed: the dry run finished', 'stagecoach');
  if (closed.length > 0) later.followUps.push({ kind: 'show_decided', prompts: closed });
  await cancelPendingStepRuns(client, deploymentId);
  later.followUps.push({ kind: 'stop_monitoring', deploymentId });
  const where = at === 'promotion' ? 'the first promotion' : 'the declaration of completion';
  await noteInThread(
    client,
    later,
    deploymentId,
    note(
      `:test_tube: Dry run finished: nothing was changed. It stopped where a person would decide (${where}); the environment is free.`,
    ),
  );
  later.followUps.push({ kind: 'refresh_root', deploymentId });
}
