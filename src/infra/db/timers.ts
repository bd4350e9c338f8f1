import type { TimerKind } from '../../deploy/model/timer-kinds.js';
import type { DbClient } from './pool.js';

export type { TimerKind };

export interface Timer {
  id: number;
  /** Null for a maintenance window's timers, set before any deployment exists. */
  deploymentId: number | null;
  windowId: number | null;
  kind: TimerKind;
  key: string;
  fireAt: Date;
  status: 'pending' | 'fired' | 'cancelled';
  payload: Record<string, unknown>;
  firedAt: Date | null;
}

const columns = `id, deployment_id AS "deploymentId", window_id AS "windowId", kind, key, fire_at AS "fireAt", status, payload, fired_at AS "firedAt"`;

/** Records a timer once per key; the row, not Redis, is the truth. */
export async function insertTimer(
  db: DbClient,
  row: {
    deploymentId: number | null;
    windowId?: number | null;
    kind: TimerKind;
    key: string;
    fireAt: Date;
    payload?: Record<string, unknown>;
  },
): Promise<Timer | undefined> {
  const result = await db.query<Timer>(
    `INSERT INTO timers (deployment_id, window_id, kind, key, fire_at, payload) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (key) DO NOTHING RETURNING ${columns}`,
    [
      row.deploymentId,
      row.windowId ?? null,
      row.kind,
      row.key,
      row.fireAt,
      JSON.stringify(row.payload ?? {}),
    ],
  );
  return result.rows[0];
}

export async function getTimer(db: DbClient, id: number) {
  const result = await db.query<Timer>(`SELECT ${columns} FROM timers WHERE id = $1`, [id]);
  return result.rows[0];
}

/**
 * Claims a due timer: exactly one delivery acts on it. `firedAt`: when that delivery began acting
 * (its job started, before the figures a check-in reads and its turn on the deployment); the
 * transaction's start otherwise.
 */
export async function claimTimer(db: DbClient, id: number, firedAt?: Date) {
  const result = await db.query<Timer>(
    `UPDATE timers SET status = 'fired', fired_at = COALESCE($2, now()) WHERE id = $1 AND status = 'pending' RETURNING ${columns}`,
    [id, firedAt ?? null],
  );
  return result.rows[0];
}

export async function cancelTimers(db: DbClient, deploymentId: number, kinds?: TimerKind[]) {
  const result = await db.query<Timer>(
    `UPDATE timers SET status = 'cancelled' WHERE deployment_id = $1 AND status = 'pending'
       AND ($2::text[] IS NULL OR kind = ANY($2)) RETURNING ${columns}`,
    [deploymentId, kinds ?? null],
  );
  return result.rows;
}

export async function cancelWindowTimers(db: DbClient, windowId: number) {
  const result = await db.query<Timer>(
    `UPDATE timers SET status = 'cancelled' WHERE window_id = $1 AND status = 'pending' RETURNING ${columns}`,
    [windowId],
  );
  return result.rows;
}

/** The auto-rollback armed by one alert, cancelled by its [Hold]. */
export async function cancelAutoRollback(db: DbClient, deploymentId: number, promptId: number) {
  const result = await db.query<Timer>(
    `UPDATE timers SET status = 'cancelled' WHERE deployment_id = $1 AND kind = 'auto_rollback' AND status = 'pending'
       AND payload->>'promptId' = $2 RETURNING ${columns}`,
    [deploymentId, String(promptId)],
  );
  return result.rows;
}

export async function listPendingTimers(db: DbClient) {
  const result = await db.query<Timer>(
    `SELECT ${columns} FROM timers WHERE status = 'pending' ORDER BY fire_at`,
  );
  return result.rows;
}

/** The oldest pending timers due before `before`: where a job Redis lost shows. */
export async function listOverdueTimers(db: DbClient, before: Date, limit: number) {
  const result = await db.query<Timer>(
    `SELECT ${columns} FROM timers WHERE status = 'pending' AND fire_at < $1 ORDER BY fire_at LIMIT $2`,
    [before, limit],
  );
  return result.rows;
}

/** Pending timers due in (from, to]: the ones worth a precise wake-up soon. */
export async function listTimersDueBetween(db: DbClient, from: Date, to: Date) {
  const result = await db.query<Pick<Timer, 'id' | 'fireAt'>>(
    `SELECT id, fire_at AS "fireAt" FROM timers WHERE status = 'pending' AND fire_at > $1 AND fire_at <= $2`,
    [from, to],
  );
  return result.rows;
}

export async function listTimers(db: DbClient, deploymentId: number) {
  const result = await db.query<Timer>(`SELECT ${columns} FROM timers WHERE deployment_id = $1 ORDER BY id`, [
    deploymentId,
  ]);
  return result.rows;
}
