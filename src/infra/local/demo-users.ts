import type pg from 'pg';

export interface DemoUser {
  id: string;
  /** What the console's user picker shows. */
  name: string;
  /** What a mention (`<@ULEAD>`) renders as. */
  handle: string;
  /** The plan role seeded for this user on an empty database; none for the guest. */
  role?: string;
}

/** People a newcomer can act as at once, one per interesting permission. */
export const demoUsers: readonly DemoUser[] = [
  { id: 'ULEAD', name: 'Lee (deployment lead)', handle: 'lee', role: 'deployment_lead' },
  { id: 'UDBA', name: 'Dana (database admin)', handle: 'dana', role: 'database_admin' },
  { id: 'UPROJ', name: 'Pat (project lead)', handle: 'pat', role: 'project_lead' },
  { id: 'UGUEST', name: 'Gus (guest, no role)', handle: 'gus' },
];

/**
 * Gives the demo users their roles, but only on a database where nobody holds a role yet: a team
 * that already assigned roles keeps exactly what it chose. Returns how many were inserted.
 */
export async function seedDemoRoles(db: pg.Pool, users: readonly DemoUser[] = demoUsers): Promise<number> {
  const seeded = users.filter((user): user is DemoUser & { role: string } => user.role !== undefined);
  if (seeded.length === 0) return 0;
  const rows = seeded.map((_, index) => `($${index * 2 + 1}::text, $${index * 2 + 2}::text, 'local-mode')`);
  const result = await db.query(
    `INSERT INTO role_assignments (role, user_id, assigned_by)
     SELECT role, user_id, assigned_by FROM (VALUES ${rows.join(', ')}) AS demo (role, user_id, assigned_by)
     WHERE NOT EXISTS (SELECT 1 FROM role_assignments)
     ON CONFLICT DO NOTHING`,
    seeded.flatMap((user) => [user.role, user.id]),
  );
  return result.rowCount ?? 0;
}
