import type { DbClient } from './pool.js';

export interface EnvironmentLock {
  environment: string;
  reason: string;
  lockedBy: string;
  lockedAt: Date;
}

export async function getEnvironmentLock(db: DbClient, environment: string) {
  const result = await db.query<EnvironmentLock>(
    `SELECT environment, reason, locked_by AS "lockedBy", locked_at AS "lockedAt"
     FROM environment_locks WHERE environment = $1`,
    [environment],
  );
  return result.rows[0];
}

export async function lockEnvironment(db: DbClient, environment: string, reason: string, lockedBy: string) {
  const result = await db.query(
    `INSERT INTO environment_locks (environment, reason, locked_by) VALUES ($1, $2, $3)
     ON CONFLICT (environment) DO NOTHING`,
    [environment, reason, lockedBy],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function unlockEnvironment(db: DbClient, environment: string) {
  const result = await db.query(
    'DELETE FROM environment_locks WHERE environment = $1 RETURNING environment',
    [environment],
  );
  return (result.rowCount ?? 0) > 0;
}
