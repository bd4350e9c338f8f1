import type { DbClient } from './pool.js';

export interface AuditEntry {
  deploymentId?: number | null;
  actor: string;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  detail?: Record<string, unknown>;
}

export async function writeAudit(db: DbClient, entry: AuditEntry) {
  await db.query(
    `INSERT INTO audit_log (deployment_id, actor, action, from_state, to_state, detail)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      entry.deploymentId ?? null,
      entry.actor,
      entry.action,
      entry.fromState ?? null,
      entry.toState ?? null,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

export interface AuditRow {
  id: number;
  deploymentId: number | null;
  actor: string;
  action: string;
  fromState: string | null;
  toState: string | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

export async function listAudit(db: DbClient, filter: { deploymentId?: number; action?: string } = {}) {
  const result = await db.query<AuditRow>(
    `SELECT id, deployment_id AS "deploymentId", actor, action, from_state AS "fromState", to_state AS "toState",
       detail, created_at AS "createdAt"
     FROM audit_log
     WHERE ($1::bigint IS NULL OR deployment_id = $1) AND ($2::text IS NULL OR action = $2)
     ORDER BY id`,
    [filter.deploymentId ?? null, filter.action ?? null],
  );
  return result.rows;
}
