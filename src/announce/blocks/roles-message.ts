import { context, header, type Message, section } from '../../infra/slack/block-kit.js';
import type { Plan } from '../../plan/schema.js';
import { mention } from '../format.js';

/** The roles table of the plan (section 9) with who holds each role now. */
export function rolesMessage(plan: Plan, assignments: Map<string, string[]>): Message {
  const rows = plan.roles.map((role) => {
    const holders = assignments.get(role.id) ?? [];
    const who = holders.length > 0 ? holders.map(mention).join(', ') : '_unassigned_';
    return `*${role.name}* (\`${role.id}\`): ${who}\n${role.responsibilities}`;
  });
  const teams = plan.teams.map(
    (team) =>
      `*${team.name}*: ${team.roles.map((id) => plan.roles.find((r) => r.id === id)?.name ?? id).join(', ')}`,
  );
  return {
    text: `Roles: ${plan.roles.map((role) => `${role.name}: ${(assignments.get(role.id) ?? []).length || 'unassigned'}`).join('; ')}`,
    blocks: [
      header('Contacts and responsibilities'),
      section(rows.join('\n\n')),
      ...(teams.length > 0 ? [section(`*Teams of the schedule*\n${teams.join('\n')}`)] : []),
      context('Admins assign roles with `/deploy role <role> <@user>`.'),
    ],
  };
}
