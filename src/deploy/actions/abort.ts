import { note } from '../../announce/blocks/rollout-messages.js';
import { noteInThread } from '../../announce/thread.js';
import { AppError } from '../../errors.js';
import { listLatestStepRuns } from '../../infra/db/step-runs.js';
import { applyTransition } from '../apply-transition.js';
import { productionTouched } from '../flow/advance.js';
import { react } from '../flow/react.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Abort before production changed.
 * any state allowing `abort` → aborted. Guard: rollback. Refused once production was touched.
 * Closes every open prompt but documentation. Intents: thread note, then the reactions to `aborted`
 * (model/reactions.ts: pending steps cancelled, rollout timers disarmed, end announced).
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
  await noteInThread(
    client,
    context.later,
    deployment.id,
    note(`:no_entry: Aborted by <@${input.userId}>. Nothing reached production.`),
  );
  await react('aborted', { client, deps, deployment, actor: input.userId, later: context.later });
  return `Aborted ${describe(context)}.`;
};
