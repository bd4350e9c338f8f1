import type pg from 'pg';
import { plainStateLabel } from '../announce/blocks/labels.js';
import { AppError } from '../errors.js';
import { writeAudit } from '../infra/db/audit.js';
import {
  type Deployment,
  getDeployment,
  type TransitionFields,
  updateDeploymentState,
} from '../infra/db/deployments.js';
import type { Plan } from '../plan/schema.js';
import { trackTransition } from '../schedule/track.js';
import { type DeploymentEvent, type DeploymentState, isTerminal, transition } from './model/lifecycle.js';

/**
 * Applies one event inside the caller's transaction: locks the row, checks the state machine,
 * compare-and-sets the state and writes the audit entry. Throws `conflict` when the event is not valid now.
 */
export async function applyTransition(
  client: pg.PoolClient,
  plan: Plan,
  deploymentId: number,
  event: DeploymentEvent,
  actor: string,
  options: {
    target?: DeploymentState;
    detail?: Record<string, unknown>;
    fields?: TransitionFields;
  } = {},
): Promise<{ before: Deployment; after: Deployment }> {
  const before = await getDeployment(client, deploymentId, { forUpdate: true });
  if (!before) throw new AppError('not_found', `There is no deployment #${deploymentId}.`);
  const next = transition(before.state, event, options.target);
  if (!next.ok) {
    throw new AppError(
      'conflict',
      `Deployment #${deploymentId} is ${plainStateLabel(before.state).toLowerCase()}: "${event.replaceAll('_', ' ')}" is not possible now.`,
    );
  }
  const after = await updateDeploymentState(client, deploymentId, before.state, next.to, {
    ...(options.fields ?? {}),
    ended: isTerminal(next.to),
  });
  if (!after) throw new AppError('conflict', `Deployment #${deploymentId} changed meanwhile; try again.`);
  // The schedule table follows every transition, in the same transaction.
  await trackTransition(client, plan, before, after, event);
  await writeAudit(client, {
    deploymentId,
    actor,
    action: event,
    fromState: before.state,
    toState: next.to,
    detail: options.detail ?? {},
  });
  return { before, after };
}
