import type { DbClient } from './pool.js';

export interface MaintenanceWindow {
  id: number;
  environment: string;
  startsAt: Date;
  durationMs: number;
  version: string | null;
  createdBy: string;
  status: 'scheduled' | 'cancelled';
  deploymentId: number | null;
}

export interface ScheduleItemRow {
  id: number;
  windowId: number;
  itemId: string;
  position: number;
  atOffset: string;
  dueAt: Date;
  activity: string;
  owner: string;
  tracks: string | null;
  status: ScheduleStatus;
  updatedAt: Date;
}

export const scheduleStatuses = ['not_started', 'in_progress', 'done', 'skipped', 'failed'] as const;
export type ScheduleStatus = (typeof scheduleStatuses)[number];

const windowColumns = `id, environment, starts_at AS "startsAt", duration_ms::float8 AS "durationMs", version, created_by AS "createdBy",
  status, deployment_id AS "deploymentId"`;
const itemColumns = `id, window_id AS "windowId", item_id AS "itemId", position, at_offset AS "atOffset", due_at AS "dueAt",
  activity, owner, tracks, status, updated_at AS "updatedAt"`;

export async function insertWindow(
  db: DbClient,
  row: { environment: string; startsAt: Date; durationMs: number; version: string | null; createdBy: string },
) {
  const result = await db.query<MaintenanceWindow>(
    `INSERT INTO maintenance_windows (environment, starts_at, duration_ms, version, created_by) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${windowColumns}`,
    [row.environment, row.startsAt, row.durationMs, row.version, row.createdBy],
  );
  return result.rows[0] as MaintenanceWindow;
}

/** Scheduled windows of an environment (a new one replaces them). */
export async function cancelScheduledWindows(db: DbClient, environment: string) {
  const result = await db.query<MaintenanceWindow>(
    `UPDATE maintenance_windows SET status = 'cancelled' WHERE environment = $1 AND status = 'scheduled' AND deployment_id IS NULL
     RETURNING ${windowColumns}`,
    [environment],
  );
  return result.rows;
}

export async function getWindow(db: DbClient, id: number) {
  const result = await db.query<MaintenanceWindow>(
    `SELECT ${windowColumns} FROM maintenance_windows WHERE id = $1`,
    [id],
  );
  return result.rows[0];
}

/** The window a deployment belongs to, or the latest scheduled one of its environment. */
export async function findCurrentWindow(db: DbClient, environment: string) {
  const result = await db.query<MaintenanceWindow>(
    `SELECT ${windowColumns} FROM maintenance_windows WHERE environment = $1 AND status = 'scheduled' ORDER BY id DESC LIMIT 1`,
    [environment],
  );
  return result.rows[0];
}

export async function bindWindowToDeployment(db: DbClient, windowId: number, deploymentId: number) {
  await db.query(
    'UPDATE maintenance_windows SET deployment_id = $2 WHERE id = $1 AND deployment_id IS NULL',
    [windowId, deploymentId],
  );
}

/**
 * The window a deployment's transitions move: its own, else its environment's current scheduled
 * one (which may belong to another deployment: the caller checks). One query for both, since every
 * transition asks.
 */
export async function findWindowFor(db: DbClient, deploymentId: number, environment: string) {
  const result = await db.query<MaintenanceWindow>(
    `SELECT ${windowColumns} FROM maintenance_windows
      WHERE deployment_id = $1
         OR id = (SELECT id FROM maintenance_windows WHERE environment = $2 AND status = 'scheduled'
                  ORDER BY id DESC LIMIT 1)
      ORDER BY deployment_id IS NOT DISTINCT FROM $1 DESC LIMIT 1`,
    [deploymentId, environment],
  );
  return result.rows[0];
}

export async function findWindowOfDeployment(db: DbClient, deploymentId: number) {
  const result = await db.query<MaintenanceWindow>(
    `SELECT ${windowColumns} FROM maintenance_windows WHERE deployment_id = $1`,
    [deploymentId],
  );
  return result.rows[0];
}

export async function insertScheduleItem(
  db: DbClient,
  row: Omit<ScheduleItemRow, 'id' | 'status' | 'updatedAt'>,
) {
  const result = await db.query<ScheduleItemRow>(
    `INSERT INTO schedule_items (window_id, item_id, position, at_offset, due_at, activity, owner, tracks)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${itemColumns}`,
    [row.windowId, row.itemId, row.position, row.atOffset, row.dueAt, row.activity, row.owner, row.tracks],
  );
  return result.rows[0] as ScheduleItemRow;
}

export async function listScheduleItems(db: DbClient, windowId: number) {
  const result = await db.query<ScheduleItemRow>(
    `SELECT ${itemColumns} FROM schedule_items WHERE window_id = $1 ORDER BY position`,
    [windowId],
  );
  return result.rows;
}

/** Moves the rows tracking `tracks` to `status`, only forwards (a done row never goes back to in progress). */
export async function setTrackedStatus(
  db: DbClient,
  windowId: number,
  tracks: string,
  status: ScheduleStatus,
) {
  const allowedFrom: Record<ScheduleStatus, ScheduleStatus[]> = {
    not_started: [],
    in_progress: ['not_started', 'failed'],
    done: ['not_started', 'in_progress', 'failed'],
    failed: ['not_started', 'in_progress'],
    skipped: ['not_started', 'in_progress'],
  };
  await db.query(
    `UPDATE schedule_items SET status = $3, updated_at = now() WHERE window_id = $1 AND tracks = $2 AND status = ANY($4)`,
    [windowId, tracks, status, allowedFrom[status]],
  );
}

export async function skipUnfinished(db: DbClient, windowId: number) {
  await db.query(
    `UPDATE schedule_items SET status = 'skipped', updated_at = now() WHERE window_id = $1 AND status IN ('not_started', 'in_progress')`,
    [windowId],
  );
}

export async function failInProgress(db: DbClient, windowId: number) {
  await db.query(
    `UPDATE schedule_items SET status = 'failed', updated_at = now() WHERE window_id = $1 AND status = 'in_progress'`,
    [windowId],
  );
}
