import type pg from 'pg';
import { promoteEarlyButtons } from '../../announce/buttons.js';
import { recordPrompt } from '../../announce/prompts.js';
import { noteInThread } from '../../announce/thread.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { decidePrompt, listOpenPrompts } from '../../infra/db/prompts.js';
import type { ButtonSpec, Message } from '../../infra/slack/block-kit.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';

/**
 * Posts a soaking stage's message in the caller's transaction. Outside a dry run it is a prompt
 * of kind `soaking` carrying [Promote early…], so that the button goes away once the soak ends or
 * the deployment moves (decide.ts closes it, as it closes every stale prompt). It waits on nobody:
 * no mention, no broadcast, no App Home item.
 */
export async function postSoakingMessage(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
  build: (promptId?: number, buttons?: ButtonSpec[]) => Message,
): Promise<void> {
  const deployment = await getDeployment(client, deploymentId);
  const next = deps.plan.stages[(deployment?.stageIndex ?? 0) + 1];
  // A dry run's soak passes in seconds and asks nobody anything; the last stage has nothing to promote to.
  if (!deployment || deployment.dryRun || !next) {
    await noteInThread(client, later, deploymentId, build());
    return;
  }
  const percent = deps.plan.traffic.mode === 'none' ? undefined : next.percent;
  await recordPrompt(
    client,
    later,
    deploymentId,
    'soaking',
    (promptId) => build(promptId, promoteEarlyButtons(promptId, percent, next.name)),
    { waitsOn: [] },
  );
}

/** The soak ended by itself: its message loses [Promote early…] and says so. */
export async function closeSoakingPrompts(
  client: pg.PoolClient,
  deploymentId: number,
  later: AfterCommit,
): Promise<void> {
  for (const open of await listOpenPrompts(client, deploymentId, 'soaking')) {
    const closed = await decidePrompt(client, open.id, 'Soak complete', 'stagecoach');
    if (closed) later.followUps.push({ kind: 'show_decided', prompts: [closed] });
  }
}

/** Whether the deployment's soaking stage already shows [Promote early…] (a hold may have left it open). */
export async function hasOpenSoakingPrompt(client: pg.PoolClient, deploymentId: number): Promise<boolean> {
  return (await listOpenPrompts(client, deploymentId, 'soaking')).length > 0;
}
