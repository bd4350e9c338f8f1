import type pg from 'pg';
import { soakGoesOnMessage } from '../../announce/blocks/rollout-messages.js';
import { slackTime } from '../../announce/format.js';
import { listStepRuns } from '../../infra/db/step-runs.js';
import { applyTransition } from '../apply-transition.js';
import { advance } from '../flow/advance.js';
import { promptPromotion } from '../flow/promotion.js';
import { hasOpenSoakingPrompt, postSoakingMessage } from '../flow/soaking-prompt.js';

import {
  type DecisionAction,
  type DecisionContext,
  describeDeployment as describe,
} from './decision-context.js';

/**
 * Resume a held deployment.
 * held → the state it was held from. Guard: start. Answers: held.
 * Intents: enqueue the pending step or advance; a promotion prompt if the soak ended while held,
 * else the soak's message with [Promote early…] again.
 */
export const resume: DecisionAction = async (context, client) => {
  const { deployment, deps, input, later } = context;
  const target = deployment.heldFrom ?? 'running';
  const { after } = await applyTransition(client, deps.plan, deployment.id, 'resume', input.userId, {
    target,
    // From the [Resume] modal: why it is safe to go on, kept in the audit log and the report.
    ...(input.reason ? { detail: { reason: input.reason } } : {}),
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
    else await offerEarlyPromotionAgain(context, client);
  }
  return `Resumed ${describe(context)}.`;
};

/** The hold closed the soaking stage's message: the soak goes on, and so does [Promote early…]. */
async function offerEarlyPromotionAgain(context: DecisionContext, client: pg.PoolClient) {
  const { deployment, deps, later } = context;
  if (await hasOpenSoakingPrompt(client, deployment.id)) return;
  const stage = deps.plan.stages[deployment.stageIndex ?? 0];
  const soak = await client.query<{ fireAt: Date }>(
    `SELECT fire_at AS "fireAt" FROM timers WHERE deployment_id = $1 AND kind = 'soak_end' AND status = 'pending'
     ORDER BY fire_at DESC LIMIT 1`,
    [deployment.id],
  );
  const until = soak.rows[0];
  if (!stage || !until) return;
  const text = `:hourglass_flowing_sand: Resumed: *${stage.name}* soaks on until ${slackTime(until.fireAt, deps.plan.timezone)}.`;
  await postSoakingMessage(client, deps, deployment.id, later, (promptId, buttons) =>
    soakGoesOnMessage({ text, promptId, buttons }),
  );
}
