import type { DeployDeps } from './deps.js';
import { postInThread } from './announce.js';
import { section } from '../slack/blocks/block-kit.js';

/** Pre-deployment, execution and verification are done: the first stage's traffic is live and soaking. */
export async function afterStepsDone(deps: DeployDeps, deploymentId: number): Promise<void> {
  const stage = deps.plan.stages[0];
  const text = `:hourglass_flowing_sand: All plan steps passed. ${stage ? `${stage.name} is live at ${stage.percent}% and soaking.` : ''}`;
  await postInThread(deps, deploymentId, { text, blocks: [section(text)] });
}
