import { rolesMessage } from '../../announce/blocks/roles-message.js';
import { mention } from '../../announce/format.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { inTransaction } from '../../infra/db/pool.js';
import { assignRole, listAssignments, unassignRole } from '../../infra/db/roles.js';
import type { DeployDeps } from '../../ports.js';

export async function assignRoleByAdmin(
  deps: DeployDeps,
  input: { role: string; userId: string; adminId: string },
) {
  if (!deps.settings.adminUserIds.includes(input.adminId)) {
    await writeAudit(deps.db, {
      actor: input.adminId,
      action: 'refused',
      detail: { attempted: 'assign_role', role: input.role },
    });
    throw new AppError('forbidden', 'Only admins (ADMIN_USER_IDS) may assign roles. Ask one of them.');
  }
  const role = deps.plan.roles.find((candidate) => candidate.id === input.role);
  if (!role) {
    throw new AppError(
      'bad_input',
      `\`${input.role}\` is not a role of this plan. Roles: ${deps.plan.roles.map((r) => r.id).join(', ')}.`,
    );
  }
  const added = await inTransaction(deps.db, async (client) => {
    const inserted = await assignRole(client, role.id, input.userId, input.adminId);
    if (inserted) {
      await writeAudit(client, {
        actor: input.adminId,
        action: 'assign_role',
        detail: { role: role.id, userId: input.userId },
      });
    }
    return inserted;
  });
  return added
    ? `${mention(input.userId)} is now ${role.name}.`
    : `${mention(input.userId)} was already ${role.name}; nothing changed.`;
}

/**
 * `/deploy role <role> remove <@user>`: the reverse of assigning, with the same admin check and
 * audit. A role the plan no longer has can still be removed from whoever holds it.
 */
export async function removeRoleByAdmin(
  deps: DeployDeps,
  input: { role: string; userId: string; adminId: string },
) {
  if (!deps.settings.adminUserIds.includes(input.adminId)) {
    await writeAudit(deps.db, {
      actor: input.adminId,
      action: 'refused',
      detail: { attempted: 'remove_role', role: input.role, userId: input.userId },
    });
    throw new AppError('forbidden', 'Only admins (ADMIN_USER_IDS) may remove roles. Ask one of them.');
  }
  const role = deps.plan.roles.find((candidate) => candidate.id === input.role);
  const removed = await inTransaction(deps.db, async (client) => {
    const deleted = await unassignRole(client, input.role, input.userId);
    if (deleted) {
      await writeAudit(client, {
        actor: input.adminId,
        action: 'remove_role',
        detail: { role: input.role, userId: input.userId },
      });
    }
    return deleted;
  });
  if (!role && !removed) {
    throw new AppError(
      'bad_input',
      `\`${input.role}\` is not a role of this plan. Roles: ${deps.plan.roles.map((r) => r.id).join(', ')}.`,
    );
  }
  const name = role?.name ?? `\`${input.role}\``;
  return removed
    ? `${mention(input.userId)} is no longer ${name}.`
    : `${mention(input.userId)} was not ${name}; nothing changed.`;
}

export async function describeRoles(deps: DeployDeps) {
  return rolesMessage(deps.plan, await listAssignments(deps.db));
}
