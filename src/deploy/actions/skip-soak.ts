import { note } from '../../announce/blocks/rollout-messages.js';
import { noteInThread } from '../../announce/thread.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { scaled } from '../flow/timers.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';
import { promotionTarget, shiftToNextStage } from './shift-to-next-stage.js';

/**
 * Promote before the soak ends, with a reason flagged in the audit log: `/deploy approve
 * --skip-soak <reason>` or the [Promote early…] form.
 * soaking → running (the shift step). Guard: approveStage and the next stage's approvers.
 * Answers: soaking. Intents: disarm soak_end, enqueue the traffic shift, thread note.
 */
export const skipSoak: DecisionAction = async (context, client) => {
  const { deployment, deps, input } = context;
  if (!input.reason?.trim()) {
    throw new AppError(
      'bad_input',
      'Skipping a soak needs a reason: `/deploy approve --skip-soak <reason>`.',
    );
  }
  const stage = deps.plan.stages[deployment.stageIndex ?? 0];
  const soakedMs = deployment.stageStartedAt
    ? deps.clock().getTime() - deployment.stageStartedAt.getTime()
    : 0;
  const remaining = Math.max(0, scaled(deps, stage?.minSoak ?? 0) - soakedMs);
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'soak_skipped',
    detail: { flagged: true, reason: input.reason, stage: stage?.id, remainingMs: remaining },
  });
  const next = await shiftToNextStage(context, client, 'skip_soak', {
    reason: input.reason,
    soakSkipped: true,
  });
  await noteInThread(
    client,
    context.later,
    deployment.id,
    note(
      `:warning: Promoted early by <@${input.userId}>: ${input.reason}. The rest of the ${stage?.name ?? ''} soak is skipped; promoting to ${promotionTarget(deps.plan, next)}.`,
    ),
  );
  return `Soak skipped (flagged in the audit log); promoting ${describe(context)} to ${promotionTarget(deps.plan, next)}.`;
};
