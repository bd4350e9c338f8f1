import { heldPrompt } from '../../announce/blocks/rollout-messages.js';
import { heldButtons } from '../../announce/buttons.js';
import { recordPrompt } from '../../announce/prompts.js';
import { applyTransition } from '../apply-transition.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Hold the deployment where it is.
 * running | soaking | … → held. Guard: start. Closes open prompts.
 * Intents: publish the held prompt with [Resume].
 */
export const hold: DecisionAction = async (context, client) => {
  const { deployment, deps, input } = context;
  await applyTransition(client, deps.plan, deployment.id, 'hold', input.userId, {
    detail: { reason: input.reason },
  });
  const reason = `held by <@${input.userId}>${input.reason ? `: ${input.reason}` : ''}. Timers keep their place; nothing advances until someone resumes.`;
  await recordPrompt(client, context.later, deployment.id, 'held', (promptId) =>
    heldPrompt({ reason, promptId, buttons: heldButtons(promptId) }),
  );
  return `Held ${describe(context)}. Resume with \`/deploy resume\`.`;
};
