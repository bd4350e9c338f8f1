import type pg from 'pg';
import { promotionPrompt } from '../../announce/blocks/rollout-messages.js';
import { promotionButtons } from '../../announce/buttons.js';
import { recordPrompt } from '../../announce/prompts.js';
import { countAlertsRaisedSince } from '../../infra/db/alert-groups.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { formatDuration } from '../../plan/duration.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { roleName } from '../authorize.js';
import { soakExtensionMs } from '../model/soak-extension.js';
import { finishDryRun } from './finish-dry-run.js';
import { closeSoakingPrompts } from './soaking-prompt.js';

/** The soak is over: ask the next stage's approvers to promote, extend, or roll back. */
export async function promptPromotion(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
) {
  const deployment = await getDeployment(client, deploymentId);
  if (deployment?.state !== 'soaking') return;
  await closeSoakingPrompts(client, deploymentId, later);
  // A dry run asks nobody to promote: it ends here by itself.
  if (deployment.dryRun) return finishDryRun(client, deps, deploymentId, later, 'promotion');
  const stage = deps.plan.stages[deployment.stageIndex ?? 0];
  const next = deps.plan.stages[(deployment.stageIndex ?? 0) + 1];
  if (!stage || !next) return;
  await applyTransition(client, deps.plan, deploymentId, 'soak_ended', 'stagecoach', {
    detail: { stage: stage.id },
  });
  const approvers = next.approvers.map((role) => roleName(deps.plan, role)).join(' or ');
  // The first stage's evidence starts with the deployment: its check-ins began at the start.
  const evidence = await stageEvidence(
    client,
    deploymentId,
    (deployment.stageIndex ?? 0) === 0 ? deployment.createdAt : deployment.stageStartedAt,
  );
  await recordPrompt(
    client,
    later,
    deploymentId,
    'promotion',
    (promptId) =>
      promotionPrompt({
        stage,
        next,
        approvers,
        evidence,
        promptId,
        traffic: deps.plan.traffic.mode,
        buttons: promotionButtons(
          promptId,
          deps.plan.traffic.mode === 'none' ? undefined : next.percent,
          next.name,
          formatDuration(soakExtensionMs(stage)),
        ),
      }),
    // The next stage's own approvers are the ones to ask (announce/answerers.ts).
    { waitsOn: next.approvers },
  );
}

/**
 * What the soaking stage showed, from Postgres: check-ins and how they were answered, alerts and
 * open issues. Only figures that exist are said: nothing is claimed that no row shows.
 */
async function stageEvidence(
  client: pg.PoolClient,
  deploymentId: number,
  since: Date | null,
): Promise<string> {
  const from = since ?? new Date(0);
  const checkIns = await client.query<{ total: number; allGood: number; missed: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'decided' AND decided_by <> 'stagecoach')::int AS "allGood",
            count(*) FILTER (WHERE status = 'decided' AND decided_by = 'stagecoach')::int AS missed
       FROM prompts WHERE deployment_id = $1 AND kind = 'check_in' AND created_at >= $2`,
    [deploymentId, from],
  );
  // Monitors and Alertmanager alerts that went wrong, not messages: a grouped alert of four is four.
  const alertCount = await countAlertsRaisedSince(client, deploymentId, from);
  const issues = await client.query<{ severity: string; n: number }>(
    `SELECT severity, count(*)::int AS n FROM issues WHERE deployment_id = $1 AND status = 'open' GROUP BY severity ORDER BY severity`,
    [deploymentId],
  );
  const c = checkIns.rows[0] ?? { total: 0, allGood: 0, missed: 0 };
  const parts = [
    c.total === 0
      ? 'no check-ins'
      : `${c.total} check-in${c.total === 1 ? '' : 's'} (${c.allGood} answered, ${c.missed} unanswered, ${c.total - c.allGood - c.missed} open)`,
    `${alertCount} alert${alertCount === 1 ? '' : 's'}`,
    issues.rows.length === 0
      ? 'no open issues'
      : `open issues: ${issues.rows.map((row) => `${row.n} ${row.severity}`).join(', ')}`,
  ];
  return `This stage: ${parts.join(' · ')}.`;
}
