import { resolve } from 'node:path';
import pRetry from 'p-retry';
import type pg from 'pg';
import { postInThread, refreshRoot } from '../../announce/announce.js';
import { stepStartedMessage, stepSucceededMessage } from '../../announce/blocks/step-messages.js';
import {
  type Deployment,
  getDeployment,
  recordBackupFile,
  recordPreviousVersion,
  recordSchemaChanged,
} from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import { claimStepRun, finishStepRun, getStepRun, type StepRun } from '../../infra/db/step-runs.js';
import { isTransientDbError } from '../../infra/db/transient-error.js';
import { createRedactor } from '../../infra/run/redact.js';
import { runCommand } from '../../infra/run/run-command.js';
import { substitute } from '../../plan/variables.js';
import type { DeployDeps } from '../../ports.js';
import { findStepKind } from '../../steps/index.js';
import type { ExecutedStep } from '../../steps/step-kind.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { advance } from './advance.js';
import { executeStep, templateVars } from './execute-step.js';
import { type ExecutableStep, resolveStep } from './resolve-step.js';
import { advanceRollback } from './rollback.js';

const activeStates = { rollout: ['running'], rollback: ['rolling_back', 'restoring'] } as const;

/**
 * Runs one claimed step run. A second delivery of the same job finds the run claimed and does
 * nothing, so no step ever runs twice.
 */
export async function runStepRun(deps: DeployDeps, stepRunId: number, signal?: AbortSignal): Promise<string> {
  const current = await getStepRun(deps.db, stepRunId);
  const owner = current ? await getDeployment(deps.db, current.deploymentId) : undefined;
  // On hold nothing new starts; the run stays pending and resume queues it again.
  if (owner?.state === 'held' && current?.status === 'pending') return 'deferred';
  const run = await claimStepRun(deps.db, stepRunId);
  if (!run) return 'already claimed';
  const log = deps.log.child({ deploymentId: run.deploymentId, step: run.stepId, attempt: run.attempt });
  let deployment = await getDeployment(deps.db, run.deploymentId);
  const step = resolveStep(deps.plan, run.stepId);
  const expected: readonly string[] = run.phase === 'rollback' ? activeStates.rollback : activeStates.rollout;
  if (!deployment || !step || !expected.includes(deployment.state)) {
    await finishStepRun(deps.db, run.id, {
      status: 'cancelled',
      summary: 'not run: the deployment moved on',
      outputTail: '',
    });
    return 'cancelled';
  }
  if (run.position === 1 && !deployment.previousVersion && !deployment.dryRun) {
    deployment = await discoverPreviousVersion(deps, deployment);
  }
  const total = deps.plan.steps.length;
  await postInThread(deps, deployment.id, stepStartedMessage(run, total)).catch((error) =>
    log.warn({ err: error }, 'could not post step start'),
  );
  await refreshRoot(deps, deployment.id);
  log.info('step started');
  const outcome = await execute(deps, step, deployment, signal);
  if (deps.shutdown?.aborted) {
    // Shut down mid-step: the run stays `running`, and the next reconciler marks it interrupted.
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
      return inTransaction(deps.db, (client) => record(client, deps, run, outcome, later));
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
  if (finished.status === 'succeeded') {
    await postInThread(deps, run.deploymentId, stepSucceededMessage(finished, total)).catch((error) =>
      log.warn({ err: error }, 'could not post step result'),
    );
  }
  await runAfterCommit(deps, later);
  await refreshRoot(deps, run.deploymentId);
  return outcome.status;
}

async function execute(
  deps: DeployDeps,
  step: ExecutableStep,
  deployment: Deployment,
  signal?: AbortSignal,
): Promise<ExecutedStep> {
  if (deployment.dryRun) {
    const vars = templateVars(deps.plan, deps.settings, deployment, step.percent);
    const shown = findStepKind(step.run).dryRunText(step.run, vars);
    return { status: 'succeeded', summary: `dry run: would run ${shown}`, outputTail: '', durationMs: 0 };
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
  outcome: ExecutedStep,
  later: ReturnType<typeof afterCommit>,
) {
  const deployment = await getDeployment(client, run.deploymentId, { forUpdate: true });
  const finished = await finishStepRun(client, run.id, {
    status: outcome.status,
    exitCode: outcome.exitCode,
    summary: outcome.summary,
    outputTail: outcome.outputTail,
  });
  if (!finished || !deployment) return finished;
  if (outcome.backupFile) await recordBackupFile(client, deployment.id, outcome.backupFile);
  if (outcome.schemaChanged !== undefined)
    await recordSchemaChanged(client, deployment.id, outcome.schemaChanged);
  if (run.phase === 'rollback') {
    await advanceRollback(client, deps, deployment, finished, later);
  } else if (deployment.state === 'running') {
    await advance(client, deps, deployment, finished, later);
  }
  // Otherwise the deployment was held or rolled back meanwhile: the result is kept, nothing follows.
  return finished;
}

/** The version to revert to, when no earlier deployment of the environment completed: ask the plan's command. */
async function discoverPreviousVersion(deps: DeployDeps, deployment: Deployment): Promise<Deployment> {
  const spec = deps.plan.rollback.currentVersion;
  if (!spec) return deployment;
  const outcome = await runCommand({
    command: substitute(spec.command, templateVars(deps.plan, deps.settings, deployment)),
    cwd: resolve(deps.settings.workspaceDir, spec.cwd ?? '.'),
    timeoutMs: spec.timeout,
    redact: createRedactor(deps.settings.secrets),
    baseEnv: deps.settings.stepEnv,
  });
  const version = outcome.outputTail.trim().split('\n').pop()?.trim() ?? '';
  if (outcome.status !== 'succeeded' || !new RegExp(deps.plan.versionPattern).test(version)) {
    deps.log.warn(
      { deploymentId: deployment.id, summary: outcome.summary },
      'could not tell the running version',
    );
    return deployment;
  }
  await recordPreviousVersion(deps.db, deployment.id, version);
  return (await getDeployment(deps.db, deployment.id)) ?? deployment;
}
