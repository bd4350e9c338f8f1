import { note } from '../../announce/blocks/rollout-messages.js';
import { noteInThread } from '../../announce/thread.js';
import { applyTransition } from '../apply-transition.js';
import { react } from '../flow/react.js';
import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Declare the deployment complete.
 * success_window → completed. Guard: declareComplete. Answers: declare_complete.
 * Intents: thread note, then the reactions to `completed` (model/reactions.ts: rollout timers
 * disarmed but the reviews, end announced, documentation checklist).
 */
export const declareComplete: DecisionAction = async (context, client) => {
  const { deployment, deps, input } = context;
  await applyTransition(client, deps.plan, deployment.id, 'declare_complete', input.userId);
  // Answered from its prompt, the prompt itself now reads "Declared complete by @x at …": a line of
  // its own would say it twice. Declared without one (a command before the prompt was posted), say it.
  if (!context.prompt)
    await noteInThread(
      client,
      context.later,
      deployment.id,
      note(
        `:white_check_mark: <@${input.userId}> declared ${deployment.version} complete on ${deployment.environment}.`,
      ),
    );
  await react('completed', { client, deps, deployment, actor: input.userId, later: context.later });
  return `Declared ${describe(context)} complete.`;
};
