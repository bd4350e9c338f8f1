import type pg from 'pg';
import { postInThread, recordPrompt } from '../../announce/announce.js';
import { heldPrompt, note } from '../../announce/blocks/rollout-messages.js';
import { heldButtons } from '../../announce/buttons.js';
import { formatTime } from '../../announce/format.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { getDeployment } from '../../infra/db/deployments.js';
import {
  cancelPendingStepRuns,
  finishStepRun,
  insertStepRun,
  listLatestStepRuns,
  listStepRuns,
} from '../../infra/db/step-runs.js';
import { cancelAutoRollback } from '../../infra/db/timers.js';
import { formatDuration } from '../../plan/duration.js';
import { applyTransition } from '../apply-transition.js';
import { authorizeStage } from '../authorize-stage.js';
import { advance, productionTouched } from '../flow/advance.js';
import { onDeploymentEnded } from '../flow/milestones.js';
import { promptPromotion } from '../flow/promotion.js';
import { shiftStepId } from '../flow/resolve-step.js';
import { finishRollback, insertRollbackRun, startRollback } from '../flow/rollback.js';
import { recheckSuccessSoon } from '../flow/success-criteria.js';
import { cancelDeploymentTimers, rolloutTimerKinds, scaled, scheduleTimer } from '../flow/timers.js';
import type { Decision, DecisionContext } from './decide.js';
import { startDocumentationChecklist } from './documentation.js';

type Effect = (context: DecisionContext, client: pg.PoolClient) => Promise<string>;

const describe = (context: DecisionContext) =>
  `deployment #${context.deployment.id} (${context.deployment.version} → ${context.deployment.environment})`;

const retry: Effect = async (context, client) => {
  const { deployment, input } = context;
  const runs = await listStepRuns(client, deployment.id);
  const halted = [...runs]
    .reverse()
    .find((run) => ['failed', 'timed_out', 'interrupted'].includes(run.status));
  if (!halted) throw new AppError('conflict', 'No halted step to retry.');
  if (deployment.state === 'rollback_failed') {
    const target = halted.stepId === 'revert' ? 'rolling_back' : 'restoring';
    await applyTransition(client, context.deps.plan, deployment.id, 'retry', input.userId, {
      target,
      detail: { step: halted.stepId },
    });
    context.later.enqueue.push(await insertRollbackRun(client, deployment.id, halted.stepId));
    return `Retrying ${halted.stepName} for ${describe(context)}.`;
  }
  await applyTransition(client, context.deps.plan, deployment.id, 'retry', input.userId, {
    detail: { step: halted.stepId, attempt: halted.attempt + 1 },
  });
  const run = await insertStepRun(client, {
    deploymentId: halted.deploymentId,
    stepId: halted.stepId,
    stepName: halted.stepName,
    phase: halted.phase,
    position: halted.position,
    attempt: halted.attempt + 1,
  });
  context.later.enqueue.push(run);
  return `Retrying ${halted.stepName} (attempt ${run.attempt}) for ${describe(context)}.`;
};

const markDone: Effect = async (context, client) => {
  const { deployment, input } = context;
  const latest = await listLatestStepRuns(client, deployment.id);
  const halted = [...latest]
    .reverse()
    .find((run) => ['failed', 'timed_out', 'interrupted'].includes(run.status) && run.phase !== 'rollback');
  if (!halted) throw new AppError('conflict', 'No halted step to mark done.');
  await applyTransition(client, context.deps.plan, deployment.id, 'mark_done', input.userId, {
    detail: { step: halted.stepId, attempt: halted.attempt },
  });
  const marked = await finishStepRun(
    client,
    halted.id,
    {
      status: 'marked_done',
      exitCode: halted.exitCode ?? undefined,
      summary: `${halted.summary ?? ''} (marked done by hand)`.trim(),
      outputTail: halted.outputTail ?? '',
    },
    halted.status,
  );
  const fresh = await getDeployment(client, deployment.id);
  if (!marked || !fresh) throw new AppError('conflict', 'That step changed meanwhile; try again.');
  await advance(client, context.deps, fresh, marked, context.later);
  return `Marked ${halted.stepName} done; ${describe(context)} continues.`;
};

const abort: Effect = async (context, client) => {
  const { deployment, input, deps } = context;
  if (productionTouched(await listLatestStepRuns(client, deployment.id))) {
    throw new AppError(
      'conflict',
      'Production has already changed, so aborting would leave it half-deployed. Roll back instead: `/deploy rollback <reason>`.',
    );
  }
  await applyTransition(client, deps.plan, deployment.id, 'abort', input.userId, {
    detail: { reason: input.reason },
  });
  await cancelPendingStepRuns(client, deployment.id);
  context.later.disarm.push(...(await cancelDeploymentTimers(client, deployment.id, rolloutTimerKinds)));
  context.later.followUps.push(() =>
    postInThread(
      deps,
      deployment.id,
      note(`:no_entry: Aborted by <@${input.userId}>. Nothing reached production.`),
    ),
  );
  await onDeploymentEnded(client, deps, context.later, deployment, 'aborted', 'Nothing reached production.');
  return `Aborted ${describe(context)}.`;
};

const rollback: Effect = async (context, client) => {
  await startRollback(
    client,
    context.deps,
    context.deployment.id,
    context.input.userId,
    context.input.reason ?? '',
    context.later,
  );
  return `Rolling back ${describe(context)}. Progress is in the thread.`;
};

/** Inserts and queues the traffic shift to the next stage. */
async function shiftToNextStage(
  context: DecisionContext,
  client: pg.PoolClient,
  event: 'promote' | 'skip_soak',
  detail: Record<string, unknown>,
) {
  const { deployment, deps, input } = context;
  const nextIndex = (deployment.stageIndex ?? 0) + 1;
  const next = deps.plan.stages[nextIndex];
  if (!next) throw new AppError('conflict', 'There is no later stage to promote to.');
  await authorizeStage(deps, next, input.userId, deployment.id);
  await applyTransition(client, deps.plan, deployment.id, event, input.userId, {
    detail: { ...detail, toStage: next.id, toPercent: next.percent },
  });
  context.later.disarm.push(...(await cancelDeploymentTimers(client, deployment.id, ['soak_end'])));
  const attempts = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM step_runs WHERE deployment_id = $1 AND step_id = $2',
    [deployment.id, shiftStepId(next.id)],
  );
  const run = await insertStepRun(client, {
    deploymentId: deployment.id,
    stepId: shiftStepId(next.id),
    stepName: `Shift traffic to ${next.percent}% (${next.name})`,
    phase: 'rollout',
    position: deps.plan.steps.length + 1 + nextIndex,
    attempt: (attempts.rows[0]?.n ?? 0) + 1,
  });
  context.later.enqueue.push(run);
  return next;
}

const promote: Effect = async (context, client) => {
  const next = await shiftToNextStage(context, client, 'promote', {});
  return `Promoting ${describe(context)} to ${next.percent}%.`;
};

const skipSoak: Effect = async (context, client) => {
  const { deployment, deps, input } = context;
  if (!input.reason?.trim()) {
    throw new AppError(
      'bad_input',
      'Skipping a soak needs a reason: `/deploy approve --skip-soak <reason>`.',
    );
  }
  const stage = deps.plan.stages[deployment.stageIndex ?? 0];
  const soakedMs = deployment.stageStartedAt
    ? deps.clock().getTime() - deployment.stageStartedAt.getTime()
    : 0;
  const remaining = Math.max(0, scaled(deps, stage?.minSoak ?? 0) - soakedMs);
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'soak_skipped',
    detail: { flagged: true, reason: input.reason, stage: stage?.id, remainingMs: remaining },
  });
  const next = await shiftToNextStage(context, client, 'skip_soak', {
    reason: input.reason,
    soakSkipped: true,
  });
  context.later.followUps.push(() =>
    postInThread(
      deps,
      deployment.id,
      note(
        `:warning: <@${input.userId}> skipped the rest of the ${stage?.name ?? ''} soak: ${input.reason}. Promoting to ${next.percent}%.`,
      ),
    ),
  );
  return `Soak skipped (flagged in the audit log); promoting ${describe(context)} to ${next.percent}%.`;
};

const extendSoak: Effect = async (context, client) => {
  const { deployment, deps, input } = context;
  const stageIndex = deployment.stageIndex ?? 0;
  const stage = deps.plan.stages[stageIndex];
  if (!stage) throw new AppError('conflict', 'No stage to extend.');
  await applyTransition(client, deps.plan, deployment.id, 'extend_soak', input.userId, {
    detail: { stage: stage.id },
  });
  // Another half of the stage's minimum soak: long enough to learn something, short enough to revisit.
  const extensionMs = Math.max(stage.minSoak / 2, 60 * 60 * 1000);
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
  context.later.followUps.push(() =>
    postInThread(
      deps,
      deployment.id,
      note(
        `:hourglass: <@${input.userId}> extended the ${stage.name} soak by ${formatDuration(extensionMs)}, until ${formatTime(until, deps.plan.timezone)}.`,
      ),
    ),
  );
  return `Soak extended by ${formatDuration(extensionMs)}.`;
};

const proceed: Effect = async (context, client) => {
  const { deployment, input } = context;
  if (context.prompt?.kind !== 'go_no_go')
    throw new AppError('conflict', 'There is no open go/no-go decision.');
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'go_no_go_proceed',
    fromState: deployment.state,
    toState: deployment.state,
  });
  context.later.disarm.push(...(await cancelDeploymentTimers(client, deployment.id, ['go_no_go'])));
  return `Go decision recorded for ${describe(context)}.`;
};

const hold: Effect = async (context, client) => {
  const { deployment, deps, input } = context;
  await applyTransition(client, deps.plan, deployment.id, 'hold', input.userId, {
    detail: { reason: input.reason },
  });
  const reason = `held by <@${input.userId}>${input.reason ? `: ${input.reason}` : ''}. Timers keep their place; nothing advances until someone resumes.`;
  await recordPrompt(client, deps, context.later, deployment.id, 'held', (promptId) =>
    heldPrompt({ reason, promptId, buttons: heldButtons(promptId) }),
  );
  return `Held ${describe(context)}. Resume with \`/deploy resume\`.`;
};

const resume: Effect = async (context, client) => {
  const { deployment, deps, input, later } = context;
  const target = deployment.heldFrom ?? 'running';
  const { after } = await applyTransition(client, deps.plan, deployment.id, 'resume', input.userId, {
    target,
  });
  if (target === 'running') {
    const latest = await listStepRuns(client, deployment.id);
    if (!latest.some((run) => run.status === 'running')) {
      const pending = latest.find((run) => run.status === 'pending');
      const lastFinished = [...latest]
        .reverse()
        .find((run) => !['pending', 'cancelled'].includes(run.status));
      if (
        pending &&
        (!lastFinished ||
          lastFinished.position > pending.position ||
          ['succeeded', 'marked_done'].includes(lastFinished.status))
      ) {
        later.enqueue.push(pending);
      } else if (lastFinished) {
        await advance(client, deps, after, lastFinished, later);
      }
    }
  }
  if (target === 'soaking') {
    const fired = await client.query(
      `SELECT 1 FROM timers WHERE deployment_id = $1 AND kind = 'soak_end' AND payload->>'stageIndex' = $2
       GROUP BY deployment_id HAVING bool_and(status <> 'pending') AND bool_or(status = 'fired')`,
      [deployment.id, String(deployment.stageIndex ?? 0)],
    );
    if ((fired.rowCount ?? 0) > 0) await promptPromotion(client, deps, deployment.id, later);
  }
  return `Resumed ${describe(context)}.`;
};

const confirmRestore: Effect = async (context, client) => {
  const { deployment, input } = context;
  await applyTransition(client, context.deps.plan, deployment.id, 'confirm_restore', input.userId, {
    detail: { backupFile: deployment.backupFile },
  });
  context.later.enqueue.push(await insertRollbackRun(client, deployment.id, 'restore_database'));
  return `Restoring the database of ${describe(context)} from the pre-deployment backup.`;
};

const skipRestore: Effect = async (context, client) => {
  const { deployment, input } = context;
  await applyTransition(client, context.deps.plan, deployment.id, 'skip_restore', input.userId, {
    target: 'rolled_back',
  });
  await finishRollback(client, context.deps, deployment.id, context.later);
  return `Kept the database; ${describe(context)} is rolled back.`;
};

const declareComplete: Effect = async (context, client) => {
  const { deployment, deps, input } = context;
  await applyTransition(client, deps.plan, deployment.id, 'declare_complete', input.userId);
  // Daily and weekly reviews go on after completion; everything else about the rollout stops.
  context.later.disarm.push(
    ...(await cancelDeploymentTimers(client, deployment.id, ['soak_end', 'go_no_go', 'check_in'])),
  );
  context.later.followUps.push(() =>
    postInThread(
      deps,
      deployment.id,
      note(
        `:white_check_mark: <@${input.userId}> declared ${deployment.version} complete on ${deployment.environment}.`,
      ),
    ),
  );
  await onDeploymentEnded(client, deps, context.later, deployment, 'completed');
  await startDocumentationChecklist(client, deps, deployment.id, context.later);
  return `Declared ${describe(context)} complete.`;
};

const acknowledge: Effect = async (context, client) => {
  const { deployment, input, prompt } = context;
  if (prompt?.kind !== 'check_in') throw new AppError('conflict', 'There is no open check-in to answer.');
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'check_in_ok',
    detail: { n: prompt.payload.n },
  });
  return `Check-in ${String(prompt.payload.n)} answered: all good.`;
};

const acknowledgeAlert: Effect = async (context, client) => {
  const { deployment, input, prompt } = context;
  if (prompt?.kind !== 'alert') throw new AppError('conflict', 'There is no open alert to acknowledge.');
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'alert_acknowledged',
    detail: { metricId: prompt.payload.metricId },
  });
  return 'Alert acknowledged. The monitor keeps running; it says so when the metric recovers.';
};

const holdAutoRollback: Effect = async (context, client) => {
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

const resolveIssueEffect: Effect = async (context, client) => {
  const { deployment, input, prompt } = context;
  const issueId = Number(prompt?.payload.issueId);
  if (!prompt || !Number.isSafeInteger(issueId))
    throw new AppError('conflict', 'That is not an issue prompt.');
  const resolved = await client.query(
    `UPDATE issues SET status = 'resolved', resolved_by = $2, resolved_at = now() WHERE id = $1 AND status = 'open' RETURNING id`,
    [issueId, input.userId],
  );
  if ((resolved.rowCount ?? 0) === 0) throw new AppError('conflict', 'That issue is already resolved.');
  await writeAudit(client, {
    deploymentId: deployment.id,
    actor: input.userId,
    action: 'issue_resolved',
    detail: { issueId },
  });
  await recheckSuccessSoon(client, context.deps, deployment, context.later);
  return `Issue #${issueId} resolved.`;
};

export const decisionEffects: Record<Decision, Effect> = {
  acknowledge,
  acknowledge_alert: acknowledgeAlert,
  hold_auto_rollback: holdAutoRollback,
  resolve_issue: resolveIssueEffect,
  retry,
  mark_done: markDone,
  abort,
  rollback,
  promote,
  skip_soak: skipSoak,
  extend_soak: extendSoak,
  proceed,
  hold,
  resume,
  confirm_restore: confirmRestore,
  skip_restore: skipRestore,
  declare_complete: declareComplete,
};
