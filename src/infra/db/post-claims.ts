import type { DbClient } from './pool.js';

/**
 * Leases on a deployment's one-off posts (the root message, the T+1w report): one poster at a
 * time, without a row lock held across the Slack call. A poster that died loses its lease after
 * `leaseMs` and the next one takes over.
 */
export async function claimRootPost(db: DbClient, deploymentId: number, leaseMs: number): Promise<boolean> {
  const result = await db.query(
    `UPDATE deployments SET root_claimed_at = now()
      WHERE id = $1 AND root_ts IS NULL
        AND (root_claimed_at IS NULL OR root_claimed_at < now() - make_interval(secs => $2::float8 / 1000))`,
    [deploymentId, leaseMs],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function releaseRootPost(db: DbClient, deploymentId: number): Promise<void> {
  await db.query('UPDATE deployments SET root_claimed_at = NULL WHERE id = $1 AND root_ts IS NULL', [
    deploymentId,
  ]);
}

export async function claimReportPost(db: DbClient, deploymentId: number, leaseMs: number): Promise<boolean> {
  const result = await db.query(
    `UPDATE deployments SET report_claimed_at = now()
      WHERE id = $1 AND report_posted_at IS NULL
        AND (report_claimed_at IS NULL OR report_claimed_at < now() - make_interval(secs => $2::float8 / 1000))`,
    [deploymentId, leaseMs],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function markReportPosted(db: DbClient, deploymentId: number): Promise<void> {
  await db.query('UPDATE deployments SET report_posted_at = now() WHERE id = $1', [deploymentId]);
}

/** Deployments whose T+1w report timer fired but whose report never reached Slack. */
export async function listUnpostedReports(db: DbClient, leaseMs: number): Promise<number[]> {
  const result = await db.query<{ id: number }>(
    `SELECT d.id FROM deployments d
      WHERE d.report_posted_at IS NULL
        AND (d.report_claimed_at IS NULL OR d.report_claimed_at < now() - make_interval(secs => $1::float8 / 1000))
        AND EXISTS (SELECT 1 FROM timers t WHERE t.deployment_id = d.id AND t.kind = 'report'
                      AND t.status = 'fired' AND t.fired_at < now() - interval '3 seconds')
      ORDER BY d.id`,
    [leaseMs],
  );
  return result.rows.map((row) => row.id);
}
