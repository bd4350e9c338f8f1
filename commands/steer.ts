import { decide } from '../src/deploy/decide.js';
import { resolveDeployment } from '../src/deploy/status.js';
import { AppError } from '../src/errors.js';
import type { SubcommandHandler } from '../src/slack/command-context.js';

/** `/deploy abort`: the same checks and transition as the [Abort] button. */
export const abort: SubcommandHandler<'abort'> = async (_command, { deps, userId }) => {
  const deployment = await resolveDeployment(deps);
  if (!deployment || ['completed', 'aborted', 'rolled_back'].includes(deployment.state)) {
    throw new AppError('not_found', 'There is no active deployment to abort.');
  }
  return decide(deps, { decision: 'abort', userId, deploymentId: deployment.id });
};
