import { resolvePage } from '../../announce/page.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';

import { missedCheckInsPage } from '../flow/check-ins.js';
import type { DecisionAction } from './decision-context.js';

/**
 * Answer a check-in: all good.
 * state unchanged. Guard: team. Answers: check_in. Intents: none (audit only).
 */
export const acknowledge: DecisionAction = async (context, client) => {
  const { deployment, input, prompt } = context;
  if (prompt?.kind !== 'check_in') throw new AppError('conflict', 'There is no open check-in to answer.');
  // The check-ins folded into the same message are answered by the same click: it showed them all.
  const folded = prompt.messageTs
    ? await client.query<{ n: number }>(
        `UPDATE prompts SET status = 'decided', decision = 'All good', decided_by = $3, decided_at = now()
          WHERE deployment_id = $1 AND kind = 'check_in' AND status = 'open' AND message_ts = $2 AND id < $4
          RETURNING (payload->>'n')::int AS n`,
        [deployment.id, prompt.messageTs, input.userId, prompt.id],
      )
    : { rows: [] };
  const also = folded.rows.map((row) => row.n).sort((a, b) => a - b);
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'check_in_ok',
    detail: { n: prompt.payload.n, ...(also.length > 0 ? { alsoAnswered: also } : {}) },
  });
  // Someone is watching again: the unanswered check-ins page, if any, is answered.
  await resolvePage(
    client,
    context.deps,
    deployment.id,
    missedCheckInsPage,
    `check-in ${String(prompt.payload.n)} answered by <@${input.userId}>`,
    context.later,
  );
  return `Check-in ${String(prompt.payload.n)} answered: all good.`;
};
