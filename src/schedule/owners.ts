import type pg from 'pg';
import { listAssignments } from '../infra/db/roles.js';
import type { Plan } from '../plan/schema.js';

/** Display names of schedule owners (teams or roles). */
export function ownerNames(plan: Plan): Record<string, string> {
  return Object.fromEntries([
    ...plan.roles.map((role) => [role.id, role.name]),
    ...plan.teams.map((team) => [team.id, team.name]),
  ]);
}

/** The Slack users behind an owner: a role's holders, or the holders of a team's roles. */
export async function ownerUsers(db: pg.Pool | pg.PoolClient, plan: Plan, owner: string): Promise<string[]> {
  const roles = plan.teams.find((team) => team.id === owner)?.roles ?? [owner];
  const assignments = await listAssignments(db);
  return [...new Set(roles.flatMap((role) => assignments.get(role) ?? []))];
}
