import { resolvePage } from '../../announce/page.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';

import type { DecisionAction } from './decision-context.js';

/**
 * Acknowledge a metric alert.
 * state unchanged. Guard: team. Answers: alert. Intents: none (audit only).
 */
export const acknowledgeAlert: DecisionAction = async (context, client) => {
  const { deployment, input, prompt } = context;
  if (prompt?.kind !== 'alert') throw new AppError('conflict', 'There is no open alert to acknowledge.');
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'alert_acknowledged',
    detail: {
      metricId: prompt.payload.metricId,
      ...(prompt.payload.fingerprint ? { fingerprint: prompt.payload.fingerprint } : {}),
    },
  });
  // Someone is on it: the page (and its PagerDuty incident) is answered.
  const cause = prompt.payload.source === 'alertmanager' ? 'alertmanager' : 'metrics';
  await resolvePage(
    client,
    context.deps,
    deployment.id,
    { key: cause },
    `acknowledged by <@${input.userId}>`,
    context.later,
  );
  return 'Alert acknowledged. The monitor keeps running; it says so when the metric recovers.';
};
