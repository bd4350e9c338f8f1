import { note } from '../../announce/blocks/rollout-messages.js';
import { AppError } from '../../errors.js';
import { cancelPendingStepRuns, listLatestStepRuns } from '../../infra/db/step-runs.js';
import { applyTransition } from '../apply-transition.js';
import { productionTouched } from '../flow/advance.js';
import { onDeploymentEnded } from '../flow/milestones.js';
import { cancelDeploymentTimers, rolloutTimerKinds } from '../flow/timers.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Abort before production changed.
 * any state allowing `abort` → aborted. Guard: rollback. Refused once production was touched.
 * Closes every open prompt but documentation. Intents: disarm rollout timers, thread note, management ping.
 */
export const abort: DecisionAction = async (context, client) => {
  const { deployment, input, deps } = context;
  if (productionTouched(await listLatestStepRuns(client, deployment.id))) {
    throw new AppError(
      'conflict',
      'Production has already changed, so aborting would leave it half-deployed. Roll back instead: `/deploy rollback <reason>`.',
    );
  }
  await applyTransition(client, deps.plan, deployment.id, 'abort', input.userId, {
    detail: { reason: input.reason },
  });
  await cancelPendingStepRuns(client, deployment.id);
  context.later.disarm.push(...(await cancelDeploymentTimers(client, deployment.id, rolloutTimerKinds)));
  context.later.followUps.push({
    kind: 'thread_note',
    deploymentId: deployment.id,
    message: note(`:no_entry: Aborted by <@${input.userId}>. Nothing reached production.`),
  });
  await onDeploymentEnded(client, deps, context.later, deployment, 'aborted', 'Nothing reached production.');
  return `Aborted ${describe(context)}.`;
};
