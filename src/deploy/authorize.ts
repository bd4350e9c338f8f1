import { AppError } from '../errors.js';
import { writeAudit } from '../infra/db/audit.js';
import { rolesOf } from '../infra/db/roles.js';
import type { DeployDeps } from '../ports.js';
import { guardedActionLabels as actionLabels, type GuardedAction } from './model/guards.js';

export type { GuardedAction };

/** Throws `forbidden` (and audits the refusal) unless the user holds one of the plan's roles for the action. */
export async function authorize(
  deps: Pick<DeployDeps, 'db' | 'plan'>,
  action: GuardedAction,
  userId: string,
  deploymentId?: number,
): Promise<void> {
  // Anyone holding a role of the plan is on the team.
  const allowed =
    action === 'team' ? deps.plan.roles.map((role) => role.id) : deps.plan.authorization[action];
  const held = await rolesOf(deps.db, userId);
  if (held.some((role) => allowed.includes(role))) return;
  await writeAudit(deps.db, {
    deploymentId: deploymentId ?? null,
    actor: userId,
    action: 'refused',
    detail: { attempted: action, rolesHeld: held, rolesAllowed: allowed },
  });
  const names =
    action === 'team'
      ? 'deployment team (anyone with a role)'
      : allowed.map((role) => roleName(deps.plan, role)).join(' or ');
  throw new AppError(
    'forbidden',
    `Only the ${names} may ${actionLabels[action]}. Ask an admin to run \`/deploy role ${allowed[0]} @you\` if that should be you.`,
  );
}

export function roleName(plan: DeployDeps['plan'], roleId: string): string {
  return plan.roles.find((role) => role.id === roleId)?.name ?? roleId;
}

/**
 * Who a page goes to: the plan's Deployment Lead when it has that role, otherwise whoever may do
 * `fallback` (any team's plan names its own roles).
 */
export function leadsToPage(plan: DeployDeps['plan'], fallback: Exclude<GuardedAction, 'team'>): string[] {
  return plan.roles.some((role) => role.id === 'deployment_lead')
    ? ['deployment_lead']
    : plan.authorization[fallback];
}
