import type { DbClient } from './pool.js';

/**
 * Slack retries a request for minutes, not days: a key older than this can no longer come back, so
 * its row only makes the table grow.
 */
export const REQUEST_KEY_RETENTION = '1 day';
/** Pruning runs on one insert in this many (and on the first one of each process). */
export const PRUNE_EVERY = 500;

let insertsUntilPrune = 0;

/** Records a Slack request key; false when it was seen before (a repeat must have no second effect). */
export async function markRequestProcessed(db: DbClient, key: string): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO processed_slack_requests (request_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING request_key',
    [key],
  );
  const fresh = (result.rowCount ?? 0) > 0;
  if (fresh && --insertsUntilPrune <= 0) {
    insertsUntilPrune = PRUNE_EVERY;
    // One DELETE per few hundred requests keeps the table at about a day of traffic; a scan of a
    // day's keys costs less than an index on received_at would on every insert.
    await pruneProcessedRequests(db);
  }
  return fresh;
}

/** Deletes the keys older than the retention; returns how many went. */
export async function pruneProcessedRequests(db: DbClient): Promise<number> {
  const result = await db.query(
    `DELETE FROM processed_slack_requests WHERE received_at < now() - $1::interval`,
    [REQUEST_KEY_RETENTION],
  );
  return result.rowCount ?? 0;
}
