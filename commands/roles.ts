import type { SubcommandHandler } from '../src/command-context.js';
import { assignRoleByAdmin, describeRoles, removeRoleByAdmin } from '../src/deploy/actions/roles.js';

export const roles: SubcommandHandler<'roles'> = (_command, { deps }) => describeRoles(deps);

export const role: SubcommandHandler<'role'> = (command, { deps, userId }) =>
  assignRoleByAdmin(deps, { role: command.role, userId: command.userId, adminId: userId });

export const roleRemove: SubcommandHandler<'role_remove'> = (command, { deps, userId }) =>
  removeRoleByAdmin(deps, { role: command.role, userId: command.userId, adminId: userId });
