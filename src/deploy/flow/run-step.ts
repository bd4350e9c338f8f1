import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type pg from 'pg';
import { stepFinishedMessage, stepLineKey, stepStartedMessage } from '../../announce/blocks/step-messages.js';
import { refreshRoot } from '../../announce/root.js';
import { postInThread, replaceInThread } from '../../announce/thread.js';
import {
  type Deployment,
  getDeployment,
  recordBackupFile,
  recordSchemaChanged,
} from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import { saveStepOutput } from '../../infra/db/step-outputs.js';
import {
  beatStepRun,
  claimStepRun,
  finishStepRun,
  recordProcessGroup,
  releaseStepRun,
  type StepRun,
} from '../../infra/db/step-runs.js';
import { isTransientDbError } from '../../infra/db/transient-error.js';
import type { DeployDeps } from '../../ports.js';
import { findStepKind } from '../../steps/index.js';
import type { ExecutedStep } from '../../steps/step-kind.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { advance } from './advance.js';
import { commandVars, executeStep } from './execute-step.js';
import { type ExecutableStep, resolveStep } from './resolve-step.js';
import { advanceRollback } from './rollback.js';
import { heartbeatEveryMs, processOwner } from './step-owner.js';

const activeStates = { rollout: ['running'], rollback: ['rolling_back', 'restoring'] } as const;

/**
 * Runs one claimed step run. A second delivery of the same job finds the run claimed and does
 * nothing, so no step ever runs twice.
 */
export async function runStepRun(deps: DeployDeps, stepRunId: number, signal?: AbortSignal): Promise<string> {
  // A fencing token per claim: only this claim may beat or record an outcome for the run.
  const token = randomUUID();
  const claim = await claimStepRun(deps.db, stepRunId, activeStates, deps.owner ?? processOwner, token);
  // Held (or moved on) when the job came: nothing new starts, the run stays pending, and resume
  // (or the reconciler) queues it again. It is never cancelled here, so a backup is never skipped.
  if (claim === 'held') return 'deferred';
  if (!claim) return 'already claimed';
  const run = claim;
  const log = deps.log.child({ deploymentId: run.deploymentId, step: run.stepId, attempt: run.attempt });
  const deployment = await getDeployment(deps.db, run.deploymentId);
  const step = resolveStep(deps.plan, run.stepId);
  if (!deployment || !step) {
    await finishStepRun(
      deps.db,
      run.id,
      { status: 'cancelled', summary: 'not run: the plan no longer has this step', outputTail: '' },
      'running',
      token,
    );
    return 'cancelled';
  }
  const heartbeat = setInterval(() => {
    beatStepRun(deps.db, run.id, token).catch((error) => log.warn({ err: error }, 'step heartbeat failed'));
  }, heartbeatEveryMs);
  heartbeat.unref();
  try {
    return await runClaimed(deps, run, token, step, deployment, log, signal);
  } finally {
    clearInterval(heartbeat);
  }
}

async function runClaimed(
  deps: DeployDeps,
  run: StepRun,
  token: string,
  step: ExecutableStep,
  deployment: Deployment,
  log: DeployDeps['log'],
  signal?: AbortSignal,
): Promise<string> {
  // The rollback target was confirmed at start (flow/rollback-target.ts), before any step.
  const total = deps.plan.steps.length;
  // The command does not wait for Slack (a paced post can take seconds): its "started" line goes
  // out meanwhile and is in place, sent or queued, before the outcome replaces it.
  const announced = Promise.all([
    postInThread(deps, deployment.id, stepStartedMessage(run, total), stepLineKey(run.id)).catch((error) =>
      log.warn({ err: error }, 'could not post step start'),
    ),
    refreshRoot(deps, deployment.id).catch((error) => log.warn({ err: error }, 'could not refresh the root')),
  ]);
  log.info('step started');
  const onProcessGroup = (processGroup: number) => {
    recordProcessGroup(deps.db, run.id, token, processGroup).catch((error) =>
      log.warn({ err: error }, 'could not record the step process group'),
    );
  };
  const outcome = await execute(deps, step, deployment, signal, onProcessGroup);
  await announced;
  if (deps.shutdown?.aborted) {
    // Shut down mid-step: the run stays `running`, and the next reconciler marks it interrupted.
    // Its heartbeat is cleared, so that reconciler need not wait for it to expire.
    await releaseStepRun(deps.db, run.id, token).catch(() => undefined);
    log.warn('step cut off by shutdown; left for the reconciler');
    return 'interrupted by shutdown';
  }
  log.info({ status: outcome.status, durationMs: outcome.durationMs }, 'step finished');

  // The command has run: its outcome must be recorded, so a busy or restarting Postgres is waited
  // out (about 30 s) rather than leaving the run looking interrupted.
  let later = afterCommit();
  const finished = await pRetry(
    () => {
      later = afterCommit();
      return inTransaction(deps.db, (client) => record(client, deps, run, token, outcome, later));
    },
    {
      retries: 7,
      minTimeout: 250,
      maxTimeout: 8_000,
      shouldRetry: (error) => isTransientDbError(error),
      onFailedAttempt: (error) =>
        log.warn({ err: error, attempt: error.attemptNumber }, 'recording the step outcome failed; retrying'),
    },
  );
  if (!finished) return 'superseded';
  await runAfterCommit(deps, later);
  await refreshRoot(deps, run.deploymentId);
  return outcome.status;
}

async function execute(
  deps: DeployDeps,
  step: ExecutableStep,
  deployment: Deployment,
  signal?: AbortSignal,
  onProcessGroup?: (processGroup: number) => void,
): Promise<ExecutedStep> {
  if (deployment.dryRun) {
    const vars = await commandVars(deps.plan, deps.settings, deployment, step.percent);
    const shown = findStepKind(step.run).dryRunText(step.run, vars);
    return { status: 'succeeded', summary: `dry run: would run ${shown}`, outputTail: '', durationMs: 0 };
  }
  try {
    return await executeStep({
      step,
      plan: deps.plan,
      settings: deps.settings,
      deployment,
      signal,
      onProcessGroup,
    });
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
  token: string,
  outcome: ExecutedStep,
  later: ReturnType<typeof afterCommit>,
) {
  const deployment = await getDeployment(client, run.deploymentId, { forUpdate: true });
  const finished = await finishStepRun(
    client,
    run.id,
    {
      status: outcome.status,
      exitCode: outcome.exitCode,
      summary: outcome.summary,
      outputTail: outcome.outputTail,
    },
    'running',
    token,
  );
  if (!finished || !deployment) return finished;
  // The whole output, for [Full output]; the tail stands in for runners that keep only a tail.
  const output = outcome.fullOutput ?? outcome.outputTail;
  if (output !== '') await saveStepOutput(client, finished.id, output);
  if (outcome.backupFile) await recordBackupFile(client, deployment.id, outcome.backupFile);
  if (outcome.schemaChanged !== undefined)
    await recordSchemaChanged(client, deployment.id, outcome.schemaChanged);
  // Stored before what the outcome sets off ("now at 50%"), so the thread reads in order: the
  // step's "started" line becomes its outcome, one message per step.
  await replaceInThread(
    client,
    later,
    deployment.id,
    stepLineKey(finished.id),
    stepFinishedMessage(finished, deps.plan.steps.length),
  );
  if (run.phase === 'rollback') {
    await advanceRollback(client, deps, deployment, finished, later);
  } else if (deployment.state === 'running') {
    await advance(client, deps, deployment, finished, later);
  }
  // Otherwise the deployment was held or rolled back meanwhile: the result is kept, nothing follows.
  return finished;
}
