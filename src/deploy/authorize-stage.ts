import { AppError } from '../errors.js';
import { writeAudit } from '../infra/db/audit.js';
import { rolesOf } from '../infra/db/roles.js';
import type { Plan } from '../plan/schema.js';
import type { DeployDeps } from '../ports.js';
import { roleName } from './authorize.js';

/** Each stage names who may approve moving to it. */
export async function authorizeStage(
  deps: DeployDeps,
  stage: Plan['stages'][number],
  userId: string,
  deploymentId: number,
) {
  const held = await rolesOf(deps.db, userId);
  if (held.some((role) => stage.approvers.includes(role))) return;
  await writeAudit(deps.db, {
    deploymentId,
    actor: userId,
    action: 'refused',
    detail: { attempted: 'promote', stage: stage.id, rolesAllowed: stage.approvers },
  });
  const names = stage.approvers.map((role) => roleName(deps.plan, role)).join(' or ');
  throw new AppError(
    'forbidden',
    `Only the ${names} may approve ${stage.name}${deps.plan.traffic.mode === 'none' ? '' : ` (${stage.percent}%)`}.`,
  );
}
