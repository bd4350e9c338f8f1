import type pg from 'pg';
import { stageLiveMessage } from '../../announce/blocks/rollout-messages.js';
import { stepFailedMessage } from '../../announce/blocks/step-messages.js';
import { haltedStepButtons } from '../../announce/buttons.js';
import { recordPrompt } from '../../announce/prompts.js';
import { type Deployment, getDeployment } from '../../infra/db/deployments.js';
import type { StepRun } from '../../infra/db/step-runs.js';
import { insertStepRun, listLatestStepRuns } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { ensureMonitoring, isLive } from './check-ins.js';
import { shiftsTraffic } from './execute-step.js';
import { soakOf } from './finish-dry-run.js';
import { onStageLive } from './milestones.js';
import { resolveStep, shiftStepId, shiftStepName, stageOfShift } from './resolve-step.js';
import { postSoakingMessage } from './soaking-prompt.js';
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
  const step = resolveStep(deps.plan, finished.stepId);
  // Only a traffic command that succeeded moves the stored percentage.
  const moved = step !== undefined && shiftsTraffic(deps.plan, step);
  // Production traffic first moved: the check-ins and reviews start counting from now.
  if (moved && deployment.currentPercent === 0) await ensureMonitoring(client, deps, deployment, later);
  const shift = step?.phase === 'rollout' ? stageOfShift(deps.plan, finished.stepId) : undefined;
  const next = await nextPendingRun(client, deployment.id, finished.position);
  const firstShift = next || shift ? undefined : await insertFirstShift(client, deps, deployment.id);
  if (next || firstShift) {
    const fields = moved && step && !shift ? { currentPercent: step.percent } : {};
    await applyTransition(client, deps.plan, deployment.id, 'step_succeeded', 'stagecoach', {
      detail,
      fields,
    });
    later.enqueue.push((next ?? firstShift) as { id: number; deploymentId: number });
    return;
  }
  await enterStage(
    client,
    deps,
    deployment.id,
    shift?.index ?? 0,
    moved && shift ? 'stage_live' : 'steps_done',
    later,
    detail,
  );
}

/**
 * With a plan-level traffic command and no plan step for stage 1, the steps are followed by the
 * derived shift to stage 1 (once per deployment: a later retry inserts its own attempt).
 */
async function insertFirstShift(client: pg.PoolClient, deps: DeployDeps, deploymentId: number) {
  const first = deps.plan.stages[0];
  const { traffic } = deps.plan;
  if (!first || traffic.mode !== 'command' || traffic.firstStageStep !== undefined) return undefined;
  const existing = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM step_runs WHERE deployment_id = $1 AND step_id = $2',
    [deploymentId, shiftStepId(first.id)],
  );
  if ((existing.rows[0]?.n ?? 0) > 0) return undefined;
  const run = await insertStepRun(client, {
    deploymentId,
    stepId: shiftStepId(first.id),
    stepName: shiftStepName(first),
    phase: 'rollout',
    position: deps.plan.steps.length + 1,
    attempt: 1,
  });
  return { id: run.id, deploymentId };
}

/**
 * A stage begins: soak it, or at the last stage open the success window. `stage_live`: its traffic
 * command succeeded, so the stored percentage becomes the stage's; `steps_done`: the plan's steps
 * finished, and the percentage stays whatever a traffic command set (nothing under `traffic: none`).
 */
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
  const atPercent = await trafficSetFor(client, deps, deploymentId, stageIndex, event);
  const fields = { stageIndex, stageStarted: true, ...(atPercent ? { currentPercent: stage.percent } : {}) };
  // Whatever the traffic mode, a deployment is live once a stage begins: when no traffic command
  // started the check-ins and reviews (under `traffic: none` none does), they start now.
  const current = await getDeployment(client, deploymentId);
  if (current && !isLive(current) && !atPercent) await ensureMonitoring(client, deps, current, later);
  // The last stage is where the rollout completes: 100% with a traffic command, the last window without.
  if (stageIndex === deps.plan.stages.length - 1) {
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
  const soakMs = soakOf(deps, after.dryRun, stage.minSoak);
  const soakCount = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM timers WHERE deployment_id = $1 AND kind = 'soak_end' AND payload->>'stageIndex' = $2`,
    [deploymentId, String(stageIndex)],
  );
  const timer = await scheduleTimer(client, deps, {
    deploymentId,
    kind: 'soak_end',
    key: `soak-${deploymentId}-${stageIndex}-${soakCount.rows[0]?.n ?? 0}`,
    afterMs: soakMs,
    payload: { stageIndex },
  });
  later.arm.push(timer);
  const soakUntil = new Date(deps.clock().getTime() + scaled(deps, soakMs));
  await postSoakingMessage(client, deps, deploymentId, later, (promptId, buttons) =>
    stageLiveMessage({
      stage,
      soakUntil,
      timeZone: deps.plan.timezone,
      traffic: deps.plan.traffic.mode,
      promptId,
      buttons,
    }),
  );
}

/**
 * Whether a traffic command that succeeded put this stage's percentage in place: the shift that
 * just finished (`stage_live`), or for stage 1 the plan step that moves its traffic, when its
 * latest run succeeded (or was marked done by hand). Never under `traffic: none`.
 */
async function trafficSetFor(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  stageIndex: number,
  event: 'steps_done' | 'stage_live',
): Promise<boolean> {
  const { traffic } = deps.plan;
  if (traffic.mode !== 'command') return false;
  if (event === 'stage_live') return true;
  if (stageIndex !== 0 || traffic.firstStageStep === undefined) return false;
  const latest = await client.query<{ status: string }>(
    'SELECT status FROM step_runs WHERE deployment_id = $1 AND step_id = $2 ORDER BY attempt DESC LIMIT 1',
    [deploymentId, traffic.firstStageStep],
  );
  return doneStatuses.includes(latest.rows[0]?.status ?? '');
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
