import { AppError } from '../../errors.js';
import { insertStepRun, listStepRuns } from '../../infra/db/step-runs.js';
import { applyTransition } from '../apply-transition.js';
import { insertRollbackRun } from '../flow/rollback.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Retry a halted step.
 * step_failed | step_interrupted | rollback_failed → running | rolling_back | restoring. Guard: start.
 * Answers: step_failed, step_interrupted, rollback_failed. Intents: enqueue the new attempt.
 */
export const retry: DecisionAction = async (context, client) => {
  const { deployment, input } = context;
  const runs = await listStepRuns(client, deployment.id);
  const halted = [...runs]
    .reverse()
    .find((run) => ['failed', 'timed_out', 'interrupted'].includes(run.status));
  if (!halted) throw new AppError('conflict', 'No halted step to retry.');
  if (deployment.state === 'rollback_failed') {
    const target = halted.stepId === 'revert' ? 'rolling_back' : 'restoring';
    await applyTransition(client, context.deps.plan, deployment.id, 'retry', input.userId, {
      target,
      detail: { step: halted.stepId },
    });
    context.later.enqueue.push(await insertRollbackRun(client, deployment.id, halted.stepId));
    return `Retrying ${halted.stepName} for ${describe(context)}.`;
  }
  await applyTransition(client, context.deps.plan, deployment.id, 'retry', input.userId, {
    detail: { step: halted.stepId, attempt: halted.attempt + 1 },
  });
  const run = await insertStepRun(client, {
    deploymentId: halted.deploymentId,
    stepId: halted.stepId,
    stepName: halted.stepName,
    phase: halted.phase,
    position: halted.position,
    attempt: halted.attempt + 1,
  });
  context.later.enqueue.push(run);
  return `Retrying ${halted.stepName} (attempt ${run.attempt}) for ${describe(context)}.`;
};
