import { note } from '../../announce/blocks/rollout-messages.js';
import { applyTransition } from '../apply-transition.js';
import { onDeploymentEnded } from '../flow/milestones.js';
import { cancelDeploymentTimers } from '../flow/timers.js';
import { type DecisionAction, describeDeployment as describe } from './decision-context.js';
import { startDocumentationChecklist } from './documentation.js';

/**
 * Declare the deployment complete.
 * live → completed. Guard: declareComplete. Answers: declare_complete.
 * Intents: disarm rollout timers but reviews, thread note, management ping, documentation checklist.
 */
export const declareComplete: DecisionAction = async (context, client) => {
  const { deployment, deps, input } = context;
  await applyTransition(client, deps.plan, deployment.id, 'declare_complete', input.userId);
  // Daily and weekly reviews go on after completion; everything else about the rollout stops.
  context.later.disarm.push(
    ...(await cancelDeploymentTimers(client, deployment.id, ['soak_end', 'go_no_go', 'check_in'])),
  );
  context.later.followUps.push({
    kind: 'thread_note',
    deploymentId: deployment.id,
    message: note(
      `:white_check_mark: <@${input.userId}> declared ${deployment.version} complete on ${deployment.environment}.`,
    ),
  });
  await onDeploymentEnded(client, deps, context.later, deployment, 'completed');
  await startDocumentationChecklist(client, deps, deployment.id, context.later);
  return `Declared ${describe(context)} complete.`;
};
