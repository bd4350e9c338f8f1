import { plainStateLabel } from '../../announce/blocks/labels.js';
import { slackTime } from '../../announce/format.js';
import { AppError } from '../../errors.js';
import { listOpenPrompts } from '../../infra/db/prompts.js';
import { listTimers } from '../../infra/db/timers.js';
import type { DeployDeps } from '../../ports.js';
import { isTerminal } from '../model/lifecycle.js';
import { type Decision, decide } from './decide.js';
import { resolveDeployment } from './status.js';

async function activeDeployment(deps: DeployDeps) {
  const deployment = await resolveDeployment(deps);
  if (!deployment || isTerminal(deployment.state)) {
    throw new AppError(
      'not_found',
      'There is no active deployment. Start one with `/deploy start <version>`.',
    );
  }
  return deployment;
}

/** `/deploy approve`: answers whatever waits for approval now, with the same checks as its button. */
export async function approve(
  deps: DeployDeps,
  input: { userId: string; skipSoakReason?: string | undefined },
) {
  const deployment = await activeDeployment(deps);
  if (input.skipSoakReason !== undefined) {
    return decide(deps, {
      decision: 'skip_soak',
      userId: input.userId,
      deploymentId: deployment.id,
      reason: input.skipSoakReason,
    });
  }
  if (deployment.state === 'awaiting_promotion') {
    return decide(deps, { decision: 'promote', userId: input.userId, deploymentId: deployment.id });
  }
  const [goNoGo] = await listOpenPrompts(deps.db, deployment.id, 'go_no_go');
  if (goNoGo) return decide(deps, { decision: 'proceed', userId: input.userId, promptId: goNoGo.id });
  if (deployment.state === 'soaking') {
    const soak = (await listTimers(deps.db, deployment.id))
      .filter((t) => t.kind === 'soak_end' && t.status === 'pending')
      .at(-1);
    const until = soak ? ` The soak ends at ${slackTime(soak.fireAt, deps.plan.timezone)}.` : '';
    throw new AppError(
      'conflict',
      `Nothing to approve yet: the stage is still soaking.${until} To promote early, give a reason with [Promote early…] on the stage's message or \`/deploy approve --skip-soak <reason>\` (flagged in the audit log).`,
    );
  }
  if (deployment.state === 'success_window') {
    throw new AppError(
      'conflict',
      'At the last stage the Project Lead declares completion with the [Declare complete] button or `/deploy complete`.',
    );
  }
  throw new AppError(
    'conflict',
    `Nothing waits for approval: deployment #${deployment.id} is ${plainStateLabel(deployment.state).toLowerCase()}.`,
  );
}

/** `/deploy hold|resume|abort|rollback`: the same decision as the button. */
export async function steer(
  deps: DeployDeps,
  decision: Decision,
  input: { userId: string; reason?: string | undefined },
) {
  const deployment = await activeDeployment(deps);
  return decide(deps, { decision, userId: input.userId, deploymentId: deployment.id, reason: input.reason });
}
