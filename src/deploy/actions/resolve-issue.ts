import { resolvePage } from '../../announce/page.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { recheckSuccessSoon } from '../flow/success-criteria.js';

import type { DecisionAction } from './decision-context.js';

/**
 * Resolve a reported issue.
 * state unchanged. Guard: team. Answers: the issue's prompt.
 * Intents: a success re-check soon (an open major issue holds success).
 */
export const resolveIssue: DecisionAction = async (context, client) => {
  const { deployment, input, prompt } = context;
  const issueId = Number(prompt?.payload.issueId);
  if (!prompt || !Number.isSafeInteger(issueId))
    throw new AppError('conflict', 'That is not an issue prompt.');
  const resolved = await client.query(
    `UPDATE issues SET status = 'resolved', resolved_by = $2, resolved_at = now(), resolution = $3
      WHERE id = $1 AND status = 'open' RETURNING id`,
    [issueId, input.userId, input.reason ?? null],
  );
  if ((resolved.rowCount ?? 0) === 0) throw new AppError('conflict', 'That issue is already resolved.');
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'issue_resolved',
    detail: { issueId, ...(input.reason ? { resolution: input.reason } : {}) },
  });
  await resolvePage(
    client,
    context.deps,
    deployment.id,
    { key: `issue-${issueId}` },
    `issue #${issueId} resolved by <@${input.userId}>${input.reason ? `: ${input.reason}` : ''}`,
    context.later,
  );
  await recheckSuccessSoon(client, context.deps, deployment, context.later);
  return `Issue #${issueId} resolved.`;
};
