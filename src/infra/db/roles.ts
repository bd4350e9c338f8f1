import type { DbClient } from './pool.js';

export async function assignRole(db: DbClient, role: string, userId: string, assignedBy: string) {
  const result = await db.query(
    `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ($1, $2, $3)
     ON CONFLICT (role, user_id) DO NOTHING`,
    [role, userId, assignedBy],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function unassignRole(db: DbClient, role: string, userId: string) {
  const result = await db.query('DELETE FROM role_assignments WHERE role = $1 AND user_id = $2', [
    role,
    userId,
  ]);
  return (result.rowCount ?? 0) > 0;
}

export async function rolesOf(db: DbClient, userId: string): Promise<string[]> {
  const result = await db.query<{ role: string }>('SELECT role FROM role_assignments WHERE user_id = $1', [
    userId,
  ]);
  return result.rows.map((row) => row.role);
}

/** Every assignment, grouped by role. */
export async function listAssignments(db: DbClient): Promise<Map<string, string[]>> {
  const result = await db.query<{ role: string; userId: string }>(
    'SELECT role, user_id AS "userId" FROM role_assignments ORDER BY role, assigned_at',
  );
  const byRole = new Map<string, string[]>();
  for (const row of result.rows) byRole.set(row.role, [...(byRole.get(row.role) ?? []), row.userId]);
  return byRole;
}
