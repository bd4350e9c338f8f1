import { applyTransition } from '../apply-transition.js';
import { finishRollback } from '../flow/rollback.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Keep the database as it is.
 * awaiting_restore → rolled_back. Guard: restoreDatabase. Answers: restore_database.
 * Intents: what finishing a rollback emits (thread note, pings, root refresh).
 */
export const skipRestore: DecisionAction = async (context, client) => {
  const { deployment, input } = context;
  await applyTransition(client, context.deps.plan, deployment.id, 'skip_restore', input.userId, {
    target: 'rolled_back',
  });
  await finishRollback(client, context.deps, deployment.id, context.later);
  return `Kept the database; ${describe(context)} is rolled back.`;
};
