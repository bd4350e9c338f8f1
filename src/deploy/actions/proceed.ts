import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { cancelDeploymentTimers } from '../flow/timers.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Go at the go/no-go decision.
 * state unchanged. Guard: approveStage. Answers: go_no_go. Intents: disarm the go_no_go deadline.
 */
export const proceed: DecisionAction = async (context, client) => {
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
