import { AppError } from '../../errors.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { finishStepRun, listLatestStepRuns } from '../../infra/db/step-runs.js';
import { applyTransition } from '../apply-transition.js';
import { advance } from '../flow/advance.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Mark a halted step done by hand and go on.
 * step_failed | step_interrupted → running (advance). Guard: start. Answers: step_interrupted, step_failed.
 * Intents: what advance emits (next step enqueued, stage entered).
 */
export const markDone: DecisionAction = async (context, client) => {
  const { deployment, input } = context;
  const latest = await listLatestStepRuns(client, deployment.id);
  const halted = [...latest]
    .reverse()
    .find((run) => ['failed', 'timed_out', 'interrupted'].includes(run.status) && run.phase !== 'rollback');
  if (!halted) throw new AppError('conflict', 'No halted step to mark done.');
  await applyTransition(client, context.deps.plan, deployment.id, 'mark_done', input.userId, {
    detail: { step: halted.stepId, attempt: halted.attempt },
  });
  const marked = await finishStepRun(
    client,
    halted.id,
    {
      status: 'marked_done',
      exitCode: halted.exitCode ?? undefined,
      summary: `${halted.summary ?? ''} (marked done by hand)`.trim(),
      outputTail: halted.outputTail ?? '',
    },
    halted.status,
  );
  const fresh = await getDeployment(client, deployment.id);
  if (!marked || !fresh) throw new AppError('conflict', 'That step changed meanwhile; try again.');
  await advance(client, context.deps, fresh, marked, context.later);
  return `Marked ${halted.stepName} done; ${describe(context)} continues.`;
};
