import type pg from 'pg';
import { stageLiveMessage } from '../../announce/blocks/rollout-messages.js';
import { stepFailedMessage } from '../../announce/blocks/step-messages.js';
import { haltedStepButtons } from '../../announce/buttons.js';
import { recordPrompt } from '../../announce/prompts.js';
import { noteInThread } from '../../announce/thread.js';
import type { Deployment } from '../../infra/db/deployments.js';
import type { StepRun } from '../../infra/db/step-runs.js';
import { listLatestStepRuns } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { scheduleMonitoring } from './check-ins.js';
import { shiftsTraffic } from './execute-step.js';
import { onStageLive } from './milestones.js';
import { resolveStep, stageOfShift } from './resolve-step.js';
import { startSuccessWindow } from './success-criteria.js';
import { scaled, scheduleTimer } from './timers.js';

const doneStatuses = ['succeeded', 'marked_done'];

/**
 * Moves a running deployment on after one of its runs finished, inside the caller's transaction:
 * the next step, the next stage's soak, the success window, or a halt on failure.
 */
export async function advance(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  finished: StepRun,
  later: AfterCommit,
): Promise<void> {
  const detail = { step: finished.stepId, attempt: finished.attempt, summary: finished.summary };
  if (!doneStatuses.includes(finished.status)) {
    await applyTransition(client, deps.plan, deployment.id, 'step_failed', 'stagecoach', { detail });
    await recordFailure(client, deps, deployment, finished, later);
    return;
  }
  // Production traffic first moved: the check-ins and reviews start counting from now.
  const step = resolveStep(deps.plan, finished.stepId);
  if (step && shiftsTraffic(step) && deployment.currentPercent === 0 && step.phase !== 'rollout') {
    await scheduleMonitoring(client, deps, deployment.id, later);
    later.followUps.push({ kind: 'start_monitoring', deploymentId: deployment.id });
  }
  const next = await nextPendingRun(client, deployment.id, finished.position);
  if (next) {
    const fields =
      step && shiftsTraffic(step) && step.phase !== 'rollout' ? { currentPercent: step.percent } : {};
    await applyTransition(client, deps.plan, deployment.id, 'step_succeeded', 'stagecoach', {
      detail,
      fields,
    });
    later.enqueue.push(next);
    return;
  }
  const shift = stageOfShift(deps.plan, finished.stepId);
  const stageIndex = shift?.index ?? 0;
  await enterStage(
    client,
    deps,
    deployment.id,
    stageIndex,
    shift ? 'stage_live' : 'steps_done',
    later,
    detail,
  );
}

/** Traffic is at the stage's percentage: soak it, or at 100% open the success window. */
export async function enterStage(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  stageIndex: number,
  event: 'steps_done' | 'stage_live',
  later: AfterCommit,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const stage = deps.plan.stages[stageIndex];
  if (!stage) throw new Error(`plan has no stage ${stageIndex}`);
  const fields = { stageIndex, currentPercent: stage.percent, stageStarted: true };
  if (stage.percent === 100) {
    const { after } = await applyTransition(client, deps.plan, deploymentId, 'reached_full', 'stagecoach', {
      detail: { ...detail, stage: stage.id },
      fields,
    });
    await onStageLive(client, deps, later, after, stageIndex);
    await startSuccessWindow(client, deps, deploymentId, later);
    return;
  }
  const { after } = await applyTransition(client, deps.plan, deploymentId, event, 'stagecoach', {
    detail: { ...detail, stage: stage.id },
    fields,
  });
  await onStageLive(client, deps, later, after, stageIndex);
  const soakCount = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM timers WHERE deployment_id = $1 AND kind = 'soak_end' AND payload->>'stageIndex' = $2`,
    [deploymentId, String(stageIndex)],
  );
  const timer = await scheduleTimer(client, deps, {
    deploymentId,
    kind: 'soak_end',
    key: `soak-${deploymentId}-${stageIndex}-${soakCount.rows[0]?.n ?? 0}`,
    afterMs: stage.minSoak,
    payload: { stageIndex },
  });
  later.arm.push(timer);
  const soakUntil = new Date(deps.clock().getTime() + scaled(deps, stage.minSoak));
  await noteInThread(
    client,
    later,
    deploymentId,
    stageLiveMessage({ stage, soakUntil, timeZone: deps.plan.timezone }),
  );
}

async function recordFailure(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  finished: StepRun,
  later: AfterCommit,
) {
  const steps = await listLatestStepRuns(client, deployment.id);
  const touched = productionTouched(steps);
  await recordPrompt(client, later, deployment.id, 'step_failed', (promptId) =>
    stepFailedMessage({
      deployment,
      step: finished,
      total: deps.plan.steps.length,
      promptId,
      buttons: haltedStepButtons('step_failed', promptId, touched),
    }),
  );
}

/** Production changed once any step past pre-deployment did its work (or may have). */
export function productionTouched(steps: StepRun[]): boolean {
  return steps.some(
    (step) =>
      step.phase !== 'pre_deployment' &&
      ['succeeded', 'marked_done', 'running', 'interrupted', 'failed', 'timed_out'].includes(step.status) &&
      step.phase !== 'rollback',
  );
}

async function nextPendingRun(client: pg.PoolClient, deploymentId: number, afterPosition: number) {
  const result = await client.query<{ id: number }>(
    `SELECT id FROM step_runs WHERE deployment_id = $1 AND status = 'pending' AND position > $2
     ORDER BY position, attempt LIMIT 1`,
    [deploymentId, afterPosition],
  );
  const id = result.rows[0]?.id;
  return id === undefined ? undefined : { id, deploymentId };
}
