import type pg from 'pg';
import { formatTime, mention } from '../../announce/format.js';
import { resolvePage } from '../../announce/page.js';
import { queueDelayNote } from '../../announce/queue-delay-note.js';
import { refreshDecidedAlertGroups } from '../../announce/refresh-alert-group.js';
import { refreshRoot } from '../../announce/root.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { type Deployment, getDeployment } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import {
  closeOpenPrompts,
  decidePrompt,
  getPrompt,
  listOpenPrompts,
  type Prompt,
} from '../../infra/db/prompts.js';
import type { DeployDeps } from '../../ports.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { authorize } from '../authorize.js';
import { authorizeStage } from '../authorize-stage.js';
import { goNoGoPage } from '../flow/go-no-go.js';
import { type Decision, type DecisionRule, decisionRules } from '../model/decisions.js';
import { approvalGuards } from '../model/guards.js';
import { isTerminal } from '../model/lifecycle.js';
import { lastingPromptKinds, type PromptKind } from '../model/prompt-kinds.js';
import { decisionActions } from './decision-actions.js';
import type { DecisionInput } from './decision-context.js';

export type { Decision, DecisionInput };

/**
 * A person's decision, from a button or a command: one transaction with a compare-and-set on the
 * prompt and on the deployment. Of N concurrent clicks exactly one wins; the others are told who
 * decided and when.
 */
export async function decide(deps: DeployDeps, input: DecisionInput): Promise<string> {
  return (await decideAndTell(deps, input)).text;
}

/**
 * `decide`, saying also whether the decision's message already shows it: a click on a prompt
 * whose follow-ups were all queued needs no private confirmation (the prompt now reads
 * "Promoted by @you"); one whose follow-ups wait for Redis does.
 */
export async function decideAndTell(
  deps: DeployDeps,
  input: DecisionInput,
): Promise<{ text: string; shownInChannel: boolean }> {
  const rule = decisionRules[input.decision];
  const prompt = input.promptId === undefined ? undefined : await getPrompt(deps.db, input.promptId);
  if (input.promptId !== undefined && !prompt)
    throw new AppError('not_found', 'That prompt no longer exists.');
  if (prompt && prompt.status !== 'open') throw alreadyDecided(deps, prompt);
  const deploymentId = prompt?.deploymentId ?? input.deploymentId;
  if (deploymentId === undefined) throw new AppError('not_found', 'There is no active deployment to act on.');
  // Every check that can refuse (and audit the refusal) runs before the row lock: an audit row
  // written on another connection would wait for the lock this transaction holds.
  await authorize(deps, rule.guard, input.userId, deploymentId);
  const seen = await getDeployment(deps.db, deploymentId);
  if (!seen) throw new AppError('not_found', `There is no deployment #${deploymentId}.`);
  await refuseSelfApproval(deps, input, rule, seen);
  const approvedStageIndex = rule.approvesNextStage
    ? await authorizeNextStage(deps, seen, input.userId)
    : undefined;

  const later = afterCommit();
  const outcome = await inTransaction(deps.db, async (client) => {
    const deployment = await getDeployment(client, deploymentId, { forUpdate: true });
    if (!deployment) throw new AppError('not_found', `There is no deployment #${deploymentId}.`);
    const answered = prompt ?? (await openPromptFor(client, deploymentId, rule));
    if (answered) {
      const won = await decidePrompt(client, answered.id, rule.label, input.userId);
      if (!won) return { lost: true as const, promptId: answered.id };
    }
    // What was open before this decision may be made stale by it; what it asks (a held prompt,
    // the promotion prompt after a resume) must stay open.
    const openBefore = (await listOpenPrompts(client, deploymentId)).map((open) => open.id);
    const message = await decisionActions[input.decision](
      { deps, input, deployment, prompt: answered, later, approvedStageIndex },
      client,
    );
    // A held deployment answered (resumed, rolled back, aborted, go): its go/no-go page is answered too.
    if (['resume', 'rollback', 'abort', 'proceed'].includes(input.decision)) {
      await resolvePage(
        client,
        deps,
        deploymentId,
        goNoGoPage,
        `${rule.label.toLowerCase()} by <@${input.userId}>`,
        later,
      );
    }
    // A decision that moved the deployment makes every other open prompt stale; an answer that did not (a check-in, an alert) leaves them.
    const after = await getDeployment(client, deploymentId);
    const moved = after?.state !== deployment.state;
    // Check-ins, alerts and issues outlive a step of the rollout; an ended deployment closes them all.
    const keep: readonly PromptKind[] =
      after && isTerminal(after.state) ? ['documentation'] : lastingPromptKinds;
    const closed = moved
      ? await closeOpenPrompts(
          client,
          deploymentId,
          `Closed: ${rule.label.toLowerCase()}`,
          input.userId,
          keep,
          openBefore,
        )
      : [];
    const decided = answered ? await getPrompt(client, answered.id) : undefined;
    const shown = await refreshDecidedAlertGroups(
      client,
      deps,
      later,
      decided ? [decided, ...closed] : closed,
    );
    later.followUps.unshift({ kind: 'show_decided', prompts: shown });
    return { lost: false as const, message };
  });
  if (outcome.lost) {
    const fresh = await getPrompt(deps.db, outcome.promptId);
    throw alreadyDecided(deps, fresh as Prompt);
  }
  const queued = await runAfterCommit(deps, later);
  await refreshRoot(deps, deploymentId);
  return queued
    ? { text: outcome.message, shownInChannel: input.promptId !== undefined }
    : { text: `${outcome.message} ${queueDelayNote}`, shownInChannel: false };
}

function alreadyDecided(deps: DeployDeps, prompt: Prompt): AppError {
  const when = prompt.decidedAt ? formatTime(prompt.decidedAt, deps.plan.timezone) : 'earlier';
  const who =
    prompt.decidedBy && prompt.decidedBy !== 'stagecoach' ? mention(prompt.decidedBy) : 'Stagecoach';
  return new AppError(
    'conflict',
    `Already decided: ${prompt.decision ?? 'closed'} by ${who} at ${when}. Nothing changed.`,
  );
}

async function openPromptFor(client: pg.PoolClient, deploymentId: number, rule: DecisionRule) {
  for (const kind of rule.answers) {
    const [open] = await listOpenPrompts(client, deploymentId, kind);
    if (open) return open;
  }
  return undefined;
}

/** The plan may forbid approving a deployment you started yourself (four eyes), for every approval. */
async function refuseSelfApproval(
  deps: DeployDeps,
  input: DecisionInput,
  rule: DecisionRule,
  deployment: Deployment,
) {
  if (
    !deps.plan.authorization.forbidSelfApproval ||
    !approvalGuards.includes(rule.guard) ||
    deployment.startedBy !== input.userId
  )
    return;
  await writeAudit(deps.db, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'refused',
    detail: { attempted: 'approve_own_deployment', decision: input.decision },
  });
  throw new AppError(
    'forbidden',
    'This plan forbids approving a deployment you started yourself: ask another approver.',
  );
}

/** The next stage names its own approvers; returns the stage index the approval was checked for. */
async function authorizeNextStage(deps: DeployDeps, deployment: Deployment, userId: string) {
  const stageIndex = deployment.stageIndex ?? 0;
  const next = deps.plan.stages[stageIndex + 1];
  // No later stage: the action answers that, with nothing to authorize.
  if (next) await authorizeStage(deps, next, userId, deployment.id);
  return deployment.stageIndex;
}
