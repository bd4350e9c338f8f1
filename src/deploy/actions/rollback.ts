import { startRollback } from '../flow/rollback.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Roll back.
 * any state allowing `rollback` → rolling_back. Guard: rollback.
 * Closes open prompts. Intents: enqueue the revert step, disarm rollout timers, stop monitoring, thread note.
 */
export const rollback: DecisionAction = async (context, client) => {
  await startRollback(
    client,
    context.deps,
    context.deployment.id,
    context.input.userId,
    context.input.reason ?? '',
    context.later,
  );
  return `Rolling back ${describe(context)}. Progress is in the thread.`;
};
