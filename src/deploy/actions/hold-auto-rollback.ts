import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { cancelAutoRollback } from '../../infra/db/timers.js';

import type { DecisionAction } from './decision-context.js';

/**
 * Cancel the pending auto-rollback of one alert.
 * state unchanged. Guard: rollback. Answers: alert. Intents: disarm the auto_rollback timer.
 */
export const holdAutoRollback: DecisionAction = async (context, client) => {
  const { deployment, input, prompt } = context;
  if (prompt?.kind !== 'alert') throw new AppError('conflict', 'There is no open alert.');
  const held = await cancelAutoRollback(client, deployment.id, prompt.id);
  context.later.disarm.push(...held);
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'auto_rollback_held',
    detail: { metricId: prompt.payload.metricId },
  });
  return held.length > 0
    ? 'Auto-rollback cancelled for this alert. Roll back by hand if needed.'
    : 'No auto-rollback was pending for this alert.';
};
