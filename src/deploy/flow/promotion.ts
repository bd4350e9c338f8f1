import type pg from 'pg';
import { promotionPrompt } from '../../announce/blocks/rollout-messages.js';
import { promotionButtons } from '../../announce/buttons.js';
import { recordPrompt } from '../../announce/prompts.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { formatDuration } from '../../plan/duration.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { roleName } from '../authorize.js';
import { soakExtensionMs } from '../model/soak-extension.js';
import { finishDryRun } from './finish-dry-run.js';

/** The soak is over: ask the next stage's approvers to promote, extend, or roll back. */
export async function promptPromotion(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
) {
  const deployment = await getDeployment(client, deploymentId);
  if (deployment?.state !== 'soaking') return;
  // A dry run asks nobody to promote: it ends here by itself.
  if (deployment.dryRun) return finishDryRun(client, deps, deploymentId, later, 'promotion');
  const stage = deps.plan.stages[deployment.stageIndex ?? 0];
  const next = deps.plan.stages[(deployment.stageIndex ?? 0) + 1];
  if (!stage || !next) return;
  await applyTransition(client, deps.plan, deploymentId, 'soak_ended', 'stagecoach', {
    detail: { stage: stage.id },
  });
  const approvers = next.approvers.map((role) => roleName(deps.plan, role)).join(' or ');
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
