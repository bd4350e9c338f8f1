import { AppError } from '../../errors.js';
import { listOpenPrompts } from '../../infra/db/prompts.js';
import type { DeployDeps } from '../../ports.js';
import { isTerminal } from '../model/lifecycle.js';
import type { PromptKind } from '../model/prompt-kinds.js';
import { type Decision, decide } from './decide.js';
import { resolveDeployment } from './status.js';

/** Decisions that answer the latest open prompt of a kind (a check-in, an alert), even after the rollout ended. */
const latestOf: Partial<Record<Decision, PromptKind>> = {
  acknowledge: 'check_in',
  acknowledge_alert: 'alert',
  hold_auto_rollback: 'alert',
};

const nothingOpen: Partial<Record<PromptKind, string>> = {
  check_in: 'There is no open check-in to answer.',
  alert: 'There is no open alert.',
};

/**
 * `/deploy retry|mark-done|extend|go|restore-db|keep-db|complete|all-good|ack|no-auto-rollback`:
 * the button's decision, with the same checks, on the open prompt it answers
 * (`decisionRules[…].answers`) when the message or its button is gone.
 */
export async function decideFromCommand(
  deps: DeployDeps,
  decision: Decision,
  input: { userId: string; reason?: string | undefined },
): Promise<string> {
  const deployment = await resolveDeployment(deps);
  const kind = latestOf[decision];
  if (!deployment || (!kind && isTerminal(deployment.state))) {
    throw new AppError(
      'not_found',
      'There is no active deployment. Start one with `/deploy start <version>`.',
    );
  }
  if (kind) {
    const latest = (await listOpenPrompts(deps.db, deployment.id, kind)).at(-1);
    if (!latest) throw new AppError('conflict', nothingOpen[kind] ?? 'Nothing waits for that.');
    return decide(deps, { decision, userId: input.userId, promptId: latest.id, reason: input.reason });
  }
  return decide(deps, { decision, userId: input.userId, deploymentId: deployment.id, reason: input.reason });
}

/** `/deploy resolve <issue>`: the [Resolved] button of that issue's message. */
export async function resolveIssueByNumber(
  deps: DeployDeps,
  input: { userId: string; issueId: number },
): Promise<string> {
  const issue = (
    await deps.db.query<{ severity: string; status: string }>(
      'SELECT severity, status FROM issues WHERE id = $1',
      [input.issueId],
    )
  ).rows[0];
  if (!issue) throw new AppError('not_found', `There is no issue #${input.issueId}.`);
  if (issue.status === 'resolved')
    throw new AppError('conflict', `Issue #${input.issueId} is already resolved.`);
  const prompt = (
    await deps.db.query<{ id: number }>(
      `SELECT id FROM prompts WHERE kind = 'issue' AND payload->>'issueId' = $1 ORDER BY id DESC LIMIT 1`,
      [String(input.issueId)],
    )
  ).rows[0];
  if (!prompt) {
    throw new AppError(
      'conflict',
      `Issue #${input.issueId} is ${issue.severity}: it is documented for a later sprint, not tracked to a fix.`,
    );
  }
  return decide(deps, { decision: 'resolve_issue', userId: input.userId, promptId: Number(prompt.id) });
}
