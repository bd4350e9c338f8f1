import type pg from 'pg';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { getPrompt, type Prompt } from '../../infra/db/prompts.js';
import { cancelAutoRollback } from '../../infra/db/timers.js';
import { membersOf } from '../model/alert-group.js';

import type { DecisionAction } from './decision-context.js';

/**
 * Cancel the pending auto-rollback of one alert.
 * state unchanged. Guard: rollback. Answers: alert. Intents: disarm the auto_rollback timer.
 */
export const holdAutoRollback: DecisionAction = async (context, client) => {
  const { deployment, input } = context;
  // `/deploy no-auto-rollback` after [Acknowledge]: the alert is answered, its countdown is not.
  const prompt = context.prompt ?? (await alertCountingDown(client, deployment.id));
  if (prompt?.kind !== 'alert')
    throw new AppError('conflict', 'There is no open alert and no auto-rollback counting down.');
  const held = await cancelAutoRollback(client, deployment.id, prompt.id);
  context.later.disarm.push(...held);
  const members = membersOf(prompt.payload);
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'auto_rollback_held',
    detail: members ? { members: members.map((m) => m.key) } : { metricId: prompt.payload.metricId },
  });
  return held.length > 0
    ? 'Auto-rollback cancelled for this alert. Roll back by hand if needed.'
    : 'No auto-rollback was pending for this alert.';
};

/** The latest alert whose auto-rollback is still pending, answered or not. */
async function alertCountingDown(client: pg.PoolClient, deploymentId: number): Promise<Prompt | undefined> {
  const found = await client.query<{ id: number }>(
    `SELECT (payload->>'promptId')::bigint AS id FROM timers
      WHERE deployment_id = $1 AND kind = 'auto_rollback' AND status = 'pending'
      ORDER BY fire_at LIMIT 1`,
    [deploymentId],
  );
  const id = found.rows[0]?.id;
  return id === undefined ? undefined : getPrompt(client, Number(id));
}
