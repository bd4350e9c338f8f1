import type {
  Notification,
  NotificationChannel,
  NotificationMessage,
  NotificationTarget,
} from '../notify/notification.js';
import type { DbClient } from './pool.js';

const columns = `id, deployment_id AS "deploymentId", dedupe_key AS "dedupeKey", channel, target,
  target_key AS "targetKey", message, collapse_group AS "collapseGroup", stale_after_ms AS "staleAfterMs",
  send_after AS "sendAfter", status, attempts, last_error AS "lastError", claimed_at AS "claimedAt",
  sent_at AS "sentAt", external_id AS "externalId", collapsed_into AS "collapsedInto", created_at AS "createdAt"`;

// A row is stale when it waited longer than its own stale_after_ms past send_after.
const isStale = (now: string) =>
  `stale_after_ms IS NOT NULL AND send_after < ${now} - stale_after_ms * interval '1 millisecond'`;

export interface NewNotification {
  deploymentId?: number | undefined;
  dedupeKey: string;
  channel: NotificationChannel;
  target: NotificationTarget;
  targetKey: string;
  message: NotificationMessage;
  sendAfter?: Date | undefined;
  collapseGroup?: string | undefined;
  staleAfterMs?: number | undefined;
}

/** Records a notification once per dedupe key: a repeat returns undefined and changes nothing. */
export async function insertNotification(
  db: DbClient,
  row: NewNotification,
): Promise<Notification | undefined> {
  const result = await db.query<Notification>(
    `INSERT INTO notifications
       (deployment_id, dedupe_key, channel, target, target_key, message, send_after, collapse_group, stale_after_ms)
     VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7, now()), $8, $9)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING ${columns}`,
    [
      row.deploymentId ?? null,
      row.dedupeKey,
      row.channel,
      JSON.stringify(row.target),
      row.targetKey,
      JSON.stringify(row.message),
      row.sendAfter ?? null,
      row.collapseGroup ?? null,
      row.staleAfterMs ?? null,
    ],
  );
  return result.rows[0];
}

export async function getNotification(db: DbClient, id: number): Promise<Notification | undefined> {
  const result = await db.query<Notification>(`SELECT ${columns} FROM notifications WHERE id = $1`, [id]);
  return result.rows[0];
}

export async function getNotificationByKey(
  db: DbClient,
  dedupeKey: string,
): Promise<Notification | undefined> {
  const result = await db.query<Notification>(`SELECT ${columns} FROM notifications WHERE dedupe_key = $1`, [
    dedupeKey,
  ]);
  return result.rows[0];
}

/** Claims a pending row for sending (compare-and-set): exactly one delivery gets it. */
export async function claimNotification(db: DbClient, id: number): Promise<Notification | undefined> {
  const result = await db.query<Notification>(
    `UPDATE notifications SET status = 'sending', claimed_at = now()
     WHERE id = $1 AND status = 'pending' RETURNING ${columns}`,
    [id],
  );
  return result.rows[0];
}

/**
 * Claims `id` together with every stale pending row of its collapse group and target: `id` goes
 * to 'sending', the others to 'collapsed' into it. Run in a transaction; rows are locked in id
 * order so two deliveries of the same group wait for each other instead of deadlocking.
 * Returns undefined when `id` itself was no longer pending.
 */
export async function claimCollapseGroup(
  db: DbClient,
  row: Pick<Notification, 'id' | 'collapseGroup' | 'targetKey'>,
  now: Date,
): Promise<Notification | undefined> {
  const locked = await db.query<{ id: number }>(
    `SELECT id FROM notifications
     WHERE status = 'pending' AND collapse_group = $2 AND target_key = $3 AND (id = $1 OR (${isStale('$4::timestamptz')}))
     ORDER BY id FOR UPDATE`,
    [row.id, row.collapseGroup, row.targetKey, now],
  );
  const ids = locked.rows.map((r) => r.id);
  if (!ids.includes(row.id)) return undefined;
  await db.query(
    `UPDATE notifications SET status = 'collapsed', collapsed_into = $1 WHERE id = ANY($2::bigint[])`,
    [row.id, ids.filter((id) => id !== row.id)],
  );
  return claimNotification(db, row.id);
}

/** The rows a combined message speaks for: the representative and those collapsed into it. */
export async function listCollapsedWith(db: DbClient, id: number): Promise<Notification[]> {
  const result = await db.query<Notification>(
    `SELECT ${columns} FROM notifications WHERE id = $1 OR collapsed_into = $1 ORDER BY send_after, id`,
    [id],
  );
  return result.rows;
}

/**
 * Whether an earlier notification of the same target is still due and undelivered, so this one
 * must wait its turn. With `collapsingGroup`, stale pending rows of that group do not count:
 * this delivery is about to absorb them.
 */
/** Whether anything for this target is still waiting to be delivered. */
export async function hasUndelivered(db: DbClient, targetKey: string): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM notifications WHERE target_key = $1 AND status IN ('pending', 'sending') LIMIT 1`,
    [targetKey],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function hasEarlierOpen(
  db: DbClient,
  row: Pick<Notification, 'id' | 'targetKey'>,
  now: Date,
  collapsingGroup?: string,
): Promise<boolean> {
  const result = await db.query<{ blocked: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM notifications
       WHERE target_key = $1 AND id < $2 AND status IN ('pending', 'sending') AND send_after <= $3
         AND NOT ($4::text IS NOT NULL AND status = 'pending' AND collapse_group = $4 AND ${isStale('$3::timestamptz')})
     ) AS blocked`,
    [row.targetKey, row.id, now, collapsingGroup ?? null],
  );
  return result.rows[0]?.blocked ?? false;
}

export async function markNotificationSent(db: DbClient, id: number, externalId?: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE notifications SET status = 'sent', sent_at = now(), external_id = COALESCE($2, external_id), last_error = NULL
     WHERE id = $1 AND status = 'sending'`,
    [id, externalId ?? null],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * A send failed: back to pending with one more attempt, or 'failed' once `maxAttempts` is reached.
 * Returns the status the row ended in.
 */
export async function markNotificationFailed(
  db: DbClient,
  id: number,
  error: string,
  maxAttempts: number,
): Promise<'pending' | 'failed' | undefined> {
  const result = await db.query<{ status: 'pending' | 'failed' }>(
    `UPDATE notifications
     SET attempts = attempts + 1, last_error = left($2, 2000),
         status = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE 'pending' END
     WHERE id = $1 AND status = 'sending' RETURNING status`,
    [id, error, maxAttempts],
  );
  return result.rows[0]?.status;
}

/** Gives a row up without sending it (no notifier for its channel, or a resend would be visible). */
export async function abandonNotification(db: DbClient, id: number, reason: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE notifications SET status = 'failed', last_error = $2 WHERE id = $1 AND status IN ('pending', 'sending')`,
    [id, reason],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Back to pending without counting an attempt: the receiver asked us to wait (rate limited). */
export async function releaseNotification(db: DbClient, id: number, reason: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE notifications SET status = 'pending', last_error = left($2, 2000) WHERE id = $1 AND status = 'sending'`,
    [id, reason],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Pending rows, oldest first; with `dueBy`, only those whose send_after has come by then. */
export async function listPendingNotifications(
  db: DbClient,
  options: { dueBy?: Date } = {},
): Promise<Notification[]> {
  const result = await db.query<Notification>(
    `SELECT ${columns} FROM notifications
     WHERE status = 'pending' AND ($1::timestamptz IS NULL OR send_after <= $1) ORDER BY send_after, id`,
    [options.dueBy ?? null],
  );
  return result.rows;
}

/** Rows that went to 'sending' before `claimedBefore` and never came back: their sender died. */
export async function listStuckSending(db: DbClient, claimedBefore: Date): Promise<Notification[]> {
  const result = await db.query<Notification>(
    `SELECT ${columns} FROM notifications WHERE status = 'sending' AND claimed_at < $1 ORDER BY id`,
    [claimedBefore],
  );
  return result.rows;
}

/** A stuck 'sending' row back to pending, unless it was claimed again after `claimedBefore`. */
export async function requeueStuckNotification(
  db: DbClient,
  id: number,
  claimedBefore: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE notifications SET status = 'pending', last_error = 'resent: the process sending it stopped'
     WHERE id = $1 AND status = 'sending' AND claimed_at < $2`,
    [id, claimedBefore],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function listNotifications(
  db: DbClient,
  filter: { deploymentId?: number } = {},
): Promise<Notification[]> {
  const result = await db.query<Notification>(
    `SELECT ${columns} FROM notifications WHERE ($1::bigint IS NULL OR deployment_id = $1) ORDER BY id`,
    [filter.deploymentId ?? null],
  );
  return result.rows;
}
