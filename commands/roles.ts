import { assignRoleByAdmin, describeRoles } from '../src/deploy/actions/roles.js';
import type { SubcommandHandler } from '../src/infra/slack/command-context.js';

export const roles: SubcommandHandler<'roles'> = (_command, { deps }) => describeRoles(deps);

export const role: SubcommandHandler<'role'> = (command, { deps, userId }) =>
  assignRoleByAdmin(deps, { role: command.role, userId: command.userId, adminId: userId });
