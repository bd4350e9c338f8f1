import { soakGoesOnMessage } from '../../announce/blocks/rollout-messages.js';
import { slackTime } from '../../announce/format.js';
import { AppError } from '../../errors.js';
import { formatDuration } from '../../plan/duration.js';
import { applyTransition } from '../apply-transition.js';
import { postSoakingMessage } from '../flow/soaking-prompt.js';
import { scaled, scheduleTimer } from '../flow/timers.js';

import { soakExtensionMs } from '../model/soak-extension.js';
import type { DecisionAction } from './decision-context.js';

/**
 * Extend the current soak by half its minimum (at least an hour).
 * awaiting_promotion → soaking. Guard: approveStage. Answers: promotion.
 * Intents: arm a new soak_end timer; the soak's message with [Promote early…].
 */
export const extendSoak: DecisionAction = async (context, client) => {
  const { deployment, deps, input } = context;
  const stageIndex = deployment.stageIndex ?? 0;
  const stage = deps.plan.stages[stageIndex];
  if (!stage) throw new AppError('conflict', 'No stage to extend.');
  await applyTransition(client, deps.plan, deployment.id, 'extend_soak', input.userId, {
    detail: { stage: stage.id },
  });
  // Another half of the stage's minimum soak: long enough to learn something, short enough to revisit.
  const extensionMs = soakExtensionMs(stage);
  const count = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM timers WHERE deployment_id = $1 AND kind = 'soak_end' AND payload->>'stageIndex' = $2`,
    [deployment.id, String(stageIndex)],
  );
  const timer = await scheduleTimer(client, deps, {
    deploymentId: deployment.id,
    kind: 'soak_end',
    key: `soak-${deployment.id}-${stageIndex}-${count.rows[0]?.n ?? 0}`,
    afterMs: extensionMs,
    payload: { stageIndex },
  });
  context.later.arm.push(timer);
  const until = new Date(deps.clock().getTime() + scaled(deps, extensionMs));
  const text = `:hourglass: <@${input.userId}> extended the ${stage.name} soak by ${formatDuration(extensionMs)}, until ${slackTime(until, deps.plan.timezone)}.`;
  await postSoakingMessage(client, deps, deployment.id, context.later, (promptId, buttons) =>
    soakGoesOnMessage({ text, promptId, buttons }),
  );
  return `Soak extended by ${formatDuration(extensionMs)}.`;
};
