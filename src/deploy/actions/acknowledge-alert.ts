import { formatTime } from '../../announce/format.js';
import { resolvePage } from '../../announce/page.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { membersOf } from '../model/alert-group.js';

import type { DecisionAction } from './decision-context.js';

/**
 * Acknowledge a metric alert (one alert: every monitor and Alertmanager alert grouped in it).
 * state unchanged. Guard: team. Answers: alert. Intents: the alert's pages resolved (audit too).
 * Its auto-rollback stays armed: [Hold] is the button that stops it.
 */
export const acknowledgeAlert: DecisionAction = async (context, client) => {
  const { deployment, input, prompt } = context;
  if (prompt?.kind !== 'alert') throw new AppError('conflict', 'There is no open alert to acknowledge.');
  const members = membersOf(prompt.payload);
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'alert_acknowledged',
    detail: members
      ? { members: members.map((m) => m.key) }
      : {
          metricId: prompt.payload.metricId,
          ...(prompt.payload.fingerprint ? { fingerprint: prompt.payload.fingerprint } : {}),
        },
  });
  // Someone is on it: the pages of what the alert groups (and their PagerDuty incidents) are answered.
  const causes = members
    ? [...new Set(members.map((m) => (m.source === 'alertmanager' ? 'alertmanager' : 'metrics')))]
    : [prompt.payload.source === 'alertmanager' ? 'alertmanager' : 'metrics'];
  for (const cause of causes)
    await resolvePage(
      client,
      context.deps,
      deployment.id,
      { key: cause },
      `acknowledged by <@${input.userId}>`,
      context.later,
    );
  const countingDown = await client.query<{ fireAt: Date }>(
    `SELECT fire_at AS "fireAt" FROM timers WHERE deployment_id = $1 AND kind = 'auto_rollback'
       AND status = 'pending' AND payload->>'promptId' = $2`,
    [deployment.id, String(prompt.id)],
  );
  // Acknowledging is "I am on it", not "do not roll back": the countdown stands, and says how to stop it.
  const stands = countingDown.rows[0]
    ? ` Its auto-rollback still stands (${formatTime(countingDown.rows[0].fireAt, context.deps.plan.timezone)}): \`/deploy no-auto-rollback\` holds it.`
    : '';
  return `Alert acknowledged. The monitors keep running; the alert says so when they recover.${stands}`;
};
