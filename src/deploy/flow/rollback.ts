import type pg from 'pg';
import { note, restorePrompt, rollbackFailedPrompt } from '../../announce/blocks/rollout-messages.js';
import { restoreButtons, retryRollbackButtons } from '../../announce/buttons.js';
import { formatDateTime } from '../../announce/format.js';
import { recordPrompt } from '../../announce/prompts.js';
import { noteInThread } from '../../announce/thread.js';
import type { Deployment } from '../../infra/db/deployments.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { insertStepRun, type StepRun } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { roleName } from '../authorize.js';
import { pingManagement } from './milestones.js';
import { react } from './react.js';
import { resolveStep, rollbackStepIds } from './resolve-step.js';

const rollbackPosition = 1000;

/** Starts a rollback inside the caller's transaction: stops everything pending, then reverts. */
export async function startRollback(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  actor: string,
  reason: string,
  later: AfterCommit,
): Promise<void> {
  const { after } = await applyTransition(client, deps.plan, deploymentId, 'rollback', actor, {
    detail: { reason },
  });
  await react('rolling_back', { client, deps, deployment: after, actor, later });
  later.enqueue.push(await insertRollbackRun(client, deploymentId, rollbackStepIds.revert));
  const why = reason ? `: ${reason}` : '';
  await noteInThread(
    client,
    later,
    deploymentId,
    note(
      `:rewind: Rollback started by <@${actor}>${why}. Reverting to ${after.previousVersion ?? 'the previous version'}.`,
    ),
  );
  await pingManagement(
    client,
    deps,
    later,
    after,
    'rollback-start',
    `:rewind: Rollback started for ${after.version} → ${after.environment}${why}.`,
  );
}

export async function insertRollbackRun(client: pg.PoolClient, deploymentId: number, stepId: string) {
  const previous = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM step_runs WHERE deployment_id = $1 AND step_id = $2',
    [deploymentId, stepId],
  );
  return insertStepRun(client, {
    deploymentId,
    stepId,
    stepName:
      stepId === rollbackStepIds.revert
        ? 'Revert to the previous version'
        : 'Restore the database from the backup',
    phase: 'rollback',
    position: rollbackPosition + (stepId === rollbackStepIds.revert ? 0 : 1),
    attempt: (previous.rows[0]?.n ?? 0) + 1,
  });
}

/** After a rollback step: ask for the database restore, finish, or report the failure. */
export async function advanceRollback(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  finished: StepRun,
  later: AfterCommit,
): Promise<void> {
  const ok = finished.status === 'succeeded' || finished.status === 'marked_done';
  const detail = { step: finished.stepId, summary: finished.summary };
  if (!ok) {
    const event = finished.stepId === rollbackStepIds.revert ? 'revert_failed' : 'restore_failed';
    await applyTransition(client, deps.plan, deployment.id, event, 'stagecoach', { detail });
    const name = resolveStep(deps.plan, finished.stepId)?.name ?? finished.stepId;
    await recordPrompt(client, later, deployment.id, 'rollback_failed', (promptId) =>
      rollbackFailedPrompt({
        step: name,
        summary: finished.summary ?? 'failed',
        promptId,
        buttons: retryRollbackButtons(promptId),
      }),
    );
    return;
  }
  if (finished.stepId === rollbackStepIds.revert && needsRestore(deps, deployment)) {
    await applyTransition(client, deps.plan, deployment.id, 'revert_succeeded', 'stagecoach', {
      target: 'awaiting_restore',
      detail,
    });
    const backupTakenAt = await backupTime(client, deps, deployment.id);
    const approvers = deps.plan.authorization.restoreDatabase
      .map((role) => roleName(deps.plan, role))
      .join(' or ');
    await recordPrompt(client, later, deployment.id, 'restore_database', (promptId) =>
      restorePrompt({
        backupTakenAt,
        promptId,
        approvers,
        buttons: restoreButtons(promptId, backupTakenAt),
      }),
    );
    return;
  }
  const event = finished.stepId === rollbackStepIds.revert ? 'revert_succeeded' : 'restore_succeeded';
  await applyTransition(client, deps.plan, deployment.id, event, 'stagecoach', {
    target: 'rolled_back',
    detail,
  });
  await finishRollback(client, deps, deployment.id, later);
}

/** Rolled back: say so in the thread, then the reactions to `rolled_back` (lock, pings, root). */
export async function finishRollback(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
) {
  const deployment = await getDeployment(client, deploymentId);
  if (!deployment) return;
  const locked = deps.plan.rollback.lockEnvironmentAfter
    ? ` ${deployment.environment} is locked until someone runs \`/deploy unlock ${deployment.environment} <reason>\`.`
    : '';
  await noteInThread(
    client,
    later,
    deploymentId,
    note(
      `:leftwards_arrow_with_hook: Rolled back to ${deployment.previousVersion ?? 'the previous version'}.${locked}`,
    ),
  );
  await react('rolled_back', { client, deps, deployment, actor: 'stagecoach', later });
}

function needsRestore(deps: DeployDeps, deployment: Deployment): boolean {
  const when = deps.plan.rollback.restoreDatabase.when;
  if (!deployment.backupFile || when === 'never') return false;
  return when === 'always' || deployment.schemaChanged;
}

async function backupTime(client: pg.PoolClient, deps: DeployDeps, deploymentId: number): Promise<string> {
  const backupSteps = deps.plan.steps
    .filter((step) => step.run.kind === 'backup_database')
    .map((step) => step.id);
  const result = await client.query<{ finishedAt: Date }>(
    `SELECT finished_at AS "finishedAt" FROM step_runs
     WHERE deployment_id = $1 AND step_id = ANY($2) AND status = 'succeeded' ORDER BY id DESC LIMIT 1`,
    [deploymentId, backupSteps],
  );
  const at = result.rows[0]?.finishedAt;
  return at ? formatDateTime(at, deps.plan.timezone) : 'the start of the deployment';
}
