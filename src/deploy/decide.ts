import type pg from 'pg';
import { getDeployment } from '../db/deployments.js';
import { inTransaction } from '../db/pool.js';
import { closeOpenPrompts, decidePrompt, getPrompt, type Prompt } from '../db/prompts.js';
import { cancelPendingStepRuns, finishStepRun, insertStepRun, listLatestStepRuns, type StepRun } from '../db/step-runs.js';
import { AppError } from '../errors.js';
import { formatTime, mention } from '../slack/format.js';
import { refreshRoot, showDecided } from './announce.js';
import { applyTransition } from './apply-transition.js';
import { authorize, type GuardedAction } from './authorize.js';
import type { DeployDeps } from './deps.js';
import { enqueueStep } from './enqueue.js';
import type { DeploymentEvent } from './lifecycle.js';

export type Decision = 'retry' | 'mark_done' | 'abort';

const decisionRules: Record<Decision, { event: DeploymentEvent; guard: GuardedAction; label: string }> = {
  retry: { event: 'retry', guard: 'start', label: 'Retried' },
  mark_done: { event: 'mark_done', guard: 'start', label: 'Marked done' },
  abort: { event: 'abort', guard: 'rollback', label: 'Aborted' },
};

export interface DecisionInput {
  decision: Decision;
  userId: string;
  promptId?: number | undefined;
  deploymentId?: number | undefined;
  reason?: string | undefined;
}

/**
 * A person's decision, from a button or a command: one compare-and-set transition. Of N concurrent
 * clicks exactly one wins; the others are told who decided and when.
 */
export async function decide(deps: DeployDeps, input: DecisionInput): Promise<string> {
  const rule = decisionRules[input.decision];
  const prompt = input.promptId === undefined ? undefined : await getPrompt(deps.db, input.promptId);
  if (input.promptId !== undefined && !prompt) throw new AppError('not_found', 'That prompt no longer exists.');
  if (prompt && prompt.status !== 'open') throw alreadyDecided(deps, prompt);
  const deploymentId = prompt?.deploymentId ?? input.deploymentId;
  if (deploymentId === undefined) throw new AppError('not_found', 'There is no active deployment to act on.');
  await authorize(deps, rule.guard, input.userId, deploymentId);

  const result = await inTransaction(deps.db, async (client) => {
    if (prompt) {
      const won = await decidePrompt(client, prompt.id, rule.label, input.userId);
      if (!won) return { lost: true as const };
    }
    if (input.decision === 'abort') await refuseAbortAfterProduction(client, deploymentId);
    const { after } = await applyTransition(client, deploymentId, rule.event, input.userId, {
      detail: { promptId: prompt?.id, reason: input.reason },
    });
    const closed = await closeOpenPrompts(client, deploymentId, rule.label, input.userId);
    const effects = await applyEffects(client, input.decision, deploymentId);
    const decided = prompt ? await getPrompt(client, prompt.id) : undefined;
    return { lost: false as const, after, closed: decided ? [decided, ...closed] : closed, effects };
  });
  if (result.lost) {
    const fresh = prompt ? await getPrompt(deps.db, prompt.id) : undefined;
    throw alreadyDecided(deps, fresh ?? (prompt as Prompt));
  }
  await showDecided(deps, result.closed);
  if (result.effects.enqueue) await enqueueStep(deps, result.effects.enqueue);
  if (input.decision === 'abort') await removeQueuedJobs(deps, deploymentId);
  await refreshRoot(deps, deploymentId);
  return `${rule.label} deployment #${deploymentId} (${result.after.version} → ${result.after.environment}).`;
}

function alreadyDecided(deps: DeployDeps, prompt: Prompt): AppError {
  const when = prompt.decidedAt ? formatTime(prompt.decidedAt, deps.plan.timezone) : 'earlier';
  const who = prompt.decidedBy ? mention(prompt.decidedBy) : 'someone';
  return new AppError('conflict', `Already decided: ${prompt.decision ?? 'closed'} by ${who} at ${when}. Nothing changed.`);
}

async function refuseAbortAfterProduction(client: pg.PoolClient, deploymentId: number) {
  const steps = await listLatestStepRuns(client, deploymentId);
  const touched = steps.some((s) => s.phase !== 'pre_deployment' && ['succeeded', 'marked_done', 'running'].includes(s.status));
  if (touched) {
    throw new AppError('conflict', 'Production has already changed, so aborting would leave it half-deployed. Roll back instead: `/deploy rollback <reason>`.');
  }
}

async function applyEffects(client: pg.PoolClient, decision: Decision, deploymentId: number) {
  const latest = await listLatestStepRuns(client, deploymentId);
  const halted = latest.find((run) => ['failed', 'timed_out', 'interrupted', 'cancelled'].includes(run.status) && run.phase !== 'rollback');
  if (decision === 'abort') {
    await cancelPendingStepRuns(client, deploymentId);
    return {};
  }
  if (!halted) throw new AppError('conflict', 'No halted step to act on.');
  if (decision === 'retry') {
    const retry = await insertStepRun(client, { ...pick(halted), attempt: halted.attempt + 1 });
    return { enqueue: retry };
  }
  // mark_done: the interrupted or failed run counts as done; the next pending step runs.
  await finishStepRun(
    client,
    halted.id,
    { status: 'marked_done', exitCode: halted.exitCode ?? undefined, summary: `${halted.summary ?? ''} (marked done by hand)`.trim(), outputTail: halted.outputTail ?? '' },
    halted.status,
  );
  const next = latest.find((run) => run.status === 'pending' && run.position > halted.position);
  if (!next) throw new AppError('conflict', 'That was the last step; nothing follows it yet.');
  return { enqueue: next };
}

function pick(run: StepRun) {
  return { deploymentId: run.deploymentId, stepId: run.stepId, stepName: run.stepName, phase: run.phase, position: run.position };
}

/** Removes this deployment's queued step jobs so nothing starts after an abort (running ones are told to stop). */
async function removeQueuedJobs(deps: DeployDeps, deploymentId: number) {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (!deployment) return;
  const jobs = await deps.queues.steps.getJobs(['waiting', 'delayed', 'prioritized']);
  await Promise.all(
    jobs.filter((job) => job?.data.deploymentId === deploymentId).map((job) => job.remove().catch(() => undefined)),
  );
}
