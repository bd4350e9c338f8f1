import type { DbClient } from './pool.js';

/** Records a Slack request key; false when it was seen before (a repeat must have no second effect). */
export async function markRequestProcessed(db: DbClient, key: string): Promise<boolean> {
  const result = await db.query(
    'INSERT INTO processed_slack_requests (request_key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING request_key',
    [key],
  );
  return (result.rowCount ?? 0) > 0;
}
