import type pg from 'pg';
import { AppError } from '../../errors.js';
import { insertStepRun } from '../../infra/db/step-runs.js';
import type { Plan } from '../../plan/schema.js';
import { applyTransition } from '../apply-transition.js';
import { enterStage } from '../flow/advance.js';
import { shiftStepId, shiftStepName } from '../flow/resolve-step.js';
import { cancelDeploymentTimers } from '../flow/timers.js';

import type { DecisionContext } from './decision-context.js';

/** What a promotion moves to, in words: `50%`, or the stage's name when the plan has no traffic control. */
export const promotionTarget = (plan: Plan, stage: Plan['stages'][number]): string =>
  plan.traffic.mode === 'none' ? stage.name : `${stage.percent}%`;

/**
 * Inserts and queues the traffic shift to the next stage; under `traffic: none` no command moves
 * traffic, so the next stage (an observation window) begins at once.
 */
export async function shiftToNextStage(
  context: DecisionContext,
  client: pg.PoolClient,
  event: 'promote' | 'skip_soak',
  detail: Record<string, unknown>,
) {
  const { deployment, deps, input } = context;
  const nextIndex = (deployment.stageIndex ?? 0) + 1;
  const next = deps.plan.stages[nextIndex];
  if (!next) throw new AppError('conflict', 'There is no later stage to promote to.');
  // Approvers were checked before the row lock (decide.ts); a promotion that landed meanwhile
  // would make that check about another stage.
  if (context.approvedStageIndex !== deployment.stageIndex) {
    throw new AppError(
      'conflict',
      'The deployment moved on while you decided; nothing changed. Check the thread and try again.',
    );
  }
  const controlled = deps.plan.traffic.mode === 'command';
  await applyTransition(client, deps.plan, deployment.id, event, input.userId, {
    detail: { ...detail, toStage: next.id, ...(controlled ? { toPercent: next.percent } : {}) },
  });
  context.later.disarm.push(...(await cancelDeploymentTimers(client, deployment.id, ['soak_end'])));
  if (!controlled) {
    await enterStage(client, deps, deployment.id, nextIndex, 'steps_done', context.later, {
      toStage: next.id,
    });
    return next;
  }
  const attempts = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM step_runs WHERE deployment_id = $1 AND step_id = $2',
    [deployment.id, shiftStepId(next.id)],
  );
  const run = await insertStepRun(client, {
    deploymentId: deployment.id,
    stepId: shiftStepId(next.id),
    stepName: shiftStepName(next),
    phase: 'rollout',
    position: deps.plan.steps.length + 1 + nextIndex,
    attempt: (attempts.rows[0]?.n ?? 0) + 1,
  });
  context.later.enqueue.push(run);
  return next;
}
