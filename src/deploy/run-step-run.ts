import type pg from 'pg';
import { getDeployment, recordBackupFile, recordSchemaChanged } from '../db/deployments.js';
import { inTransaction } from '../db/pool.js';
import { claimStepRun, finishStepRun, listLatestStepRuns, type StepRun } from '../db/step-runs.js';
import { stepFailedMessage, stepStartedMessage, stepSucceededMessage } from '../slack/blocks/step-messages.js';
import { postInThread, postPrompt, refreshRoot } from './announce.js';
import { applyTransition } from './apply-transition.js';
import { haltedStepButtons } from './buttons.js';
import type { DeployDeps } from './deps.js';
import { enqueueStep } from './enqueue.js';
import { afterStepsDone } from './after-steps-done.js';
import { type ExecutedStep, executeStep, type PlanStep, shiftsTraffic } from './step-executor.js';

type Next = { kind: 'step'; run: Pick<StepRun, 'id' | 'deploymentId'> } | { kind: 'steps_done' } | { kind: 'failed' } | { kind: 'stopped' };

/**
 * Runs one claimed step run: a second delivery of the same job finds it claimed and does nothing,
 * so no step ever runs twice.
 */
export async function runStepRun(deps: DeployDeps, stepRunId: number, signal?: AbortSignal): Promise<string> {
  const run = await claimStepRun(deps.db, stepRunId);
  if (!run) return 'already claimed';
  const log = deps.log.child({ deploymentId: run.deploymentId, step: run.stepId, attempt: run.attempt });
  const deployment = await getDeployment(deps.db, run.deploymentId);
  const step = deps.plan.steps.find((candidate) => candidate.id === run.stepId);
  if (!deployment || deployment.state !== 'running' || !step) {
    await finishStepRun(deps.db, run.id, { status: 'cancelled', summary: 'not run: the deployment moved on', outputTail: '' });
    return 'cancelled';
  }
  const total = deps.plan.steps.length;
  await postInThread(deps, deployment.id, stepStartedMessage(run, total)).catch((error) =>
    log.warn({ err: error }, 'could not post step start'),
  );
  await refreshRoot(deps, deployment.id);
  log.info('step started');
  const outcome = await execute(deps, step, deployment, signal);
  log.info({ status: outcome.status, durationMs: outcome.durationMs }, 'step finished');

  const { finished, next } = await inTransaction(deps.db, (client) => record(client, deps, run, step, outcome));
  if (!finished) return 'superseded';
  if (next.kind === 'failed') {
    const steps = await listLatestStepRuns(deps.db, deployment.id);
    const touched = steps.some((s) => s.phase !== 'pre_deployment' && ['succeeded', 'marked_done'].includes(s.status));
    await postPrompt(deps, deployment.id, 'step_failed', (promptId) =>
      stepFailedMessage({
        deployment,
        step: finished,
        total,
        promptId,
        buttons: haltedStepButtons('step_failed', promptId, touched),
      }),
    );
  } else {
    await postInThread(deps, deployment.id, stepSucceededMessage(finished, total)).catch((error) =>
      log.warn({ err: error }, 'could not post step result'),
    );
  }
  if (next.kind === 'step') await enqueueStep(deps, next.run);
  if (next.kind === 'steps_done') await afterStepsDone(deps, deployment.id);
  await refreshRoot(deps, deployment.id);
  return outcome.status;
}

async function execute(deps: DeployDeps, step: PlanStep, deployment: Parameters<typeof executeStep>[0]['deployment'], signal?: AbortSignal): Promise<ExecutedStep> {
  if (deployment.dryRun) {
    return { status: 'succeeded', summary: 'dry run: not executed', outputTail: '', durationMs: 0 };
  }
  try {
    return await executeStep({ step, plan: deps.plan, settings: deps.settings, deployment, signal });
  } catch (error) {
    deps.log.error({ err: error, deploymentId: deployment.id, step: step.id }, 'step could not be executed');
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failed', summary: `could not run the step: ${message}`, outputTail: '', durationMs: 0 };
  }
}

async function record(
  client: pg.PoolClient,
  deps: DeployDeps,
  run: StepRun,
  step: PlanStep,
  outcome: ExecutedStep,
): Promise<{ finished: StepRun | undefined; next: Next }> {
  const deployment = await getDeployment(client, run.deploymentId, { forUpdate: true });
  const finished = await finishStepRun(client, run.id, {
    status: outcome.status,
    exitCode: outcome.exitCode,
    summary: outcome.summary,
    outputTail: outcome.outputTail,
  });
  if (!finished || !deployment || deployment.state !== 'running') return { finished, next: { kind: 'stopped' } };
  if (outcome.backupFile) await recordBackupFile(client, deployment.id, outcome.backupFile);
  if (outcome.schemaChanged !== undefined) await recordSchemaChanged(client, deployment.id, outcome.schemaChanged);
  const detail = { step: run.stepId, attempt: run.attempt, summary: outcome.summary };
  if (outcome.status !== 'succeeded') {
    await applyTransition(client, deployment.id, 'step_failed', 'stagecoach', { detail });
    return { finished, next: { kind: 'failed' } };
  }
  const firstStage = deps.plan.stages[0];
  const fields = shiftsTraffic(step) && firstStage ? { currentPercent: firstStage.percent, stageIndex: 0 } : {};
  const nextRun = await nextPendingRun(client, deployment.id, run.position);
  if (nextRun) {
    await applyTransition(client, deployment.id, 'step_succeeded', 'stagecoach', { detail, fields });
    return { finished, next: { kind: 'step', run: nextRun } };
  }
  await applyTransition(client, deployment.id, 'steps_done', 'stagecoach', { detail, fields });
  return { finished, next: { kind: 'steps_done' } };
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
