import { type DecisionAction, describeDeployment as describe } from './decision-context.js';
import { promotionTarget, shiftToNextStage } from './shift-to-next-stage.js';

/**
 * Promote to the next stage after its soak.
 * awaiting_promotion → running (the shift step). Guard: approveStage and the next stage's approvers.
 * Answers: promotion.
 * Intents: disarm soak_end, enqueue the traffic shift.
 */
export const promote: DecisionAction = async (context, client) => {
  const next = await shiftToNextStage(context, client, 'promote', {});
  return `Promoting ${describe(context)} to ${promotionTarget(context.deps.plan, next)}.`;
};
