import type pg from 'pg';
import { AppError } from '../../errors.js';
import { insertStepRun } from '../../infra/db/step-runs.js';
import { applyTransition } from '../apply-transition.js';
import { shiftStepId } from '../flow/resolve-step.js';
import { cancelDeploymentTimers } from '../flow/timers.js';

import type { DecisionContext } from './decision-context.js';

/** Inserts and queues the traffic shift to the next stage. */
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
