import type { SubcommandHandler } from '../src/command-context.js';
import { assignRoleByAdmin, describeRoles } from '../src/deploy/actions/roles.js';

export const roles: SubcommandHandler<'roles'> = (_command, { deps }) => describeRoles(deps);

export const role: SubcommandHandler<'role'> = (command, { deps, userId }) =>
  assignRoleByAdmin(deps, { role: command.role, userId: command.userId, adminId: userId });
