import type { DbClient } from './pool.js';

/** Stores a finished run's whole output, in the transaction that records its outcome. */
export async function saveStepOutput(db: DbClient, stepRunId: number, output: string): Promise<void> {
  await db.query(
    `INSERT INTO step_run_outputs (step_run_id, output) VALUES ($1, $2)
     ON CONFLICT (step_run_id) DO UPDATE SET output = EXCLUDED.output`,
    [stepRunId, output],
  );
}

export type OutputShare =
  | { kind: 'claimed'; output: string }
  | { kind: 'shared'; sharedAt: Date; sharedBy: string | null }
  | { kind: 'missing' };

/**
 * Takes the right to upload a run's output into the thread: the first click wins, later ones are
 * told where it is. A run recorded before whole outputs were kept offers its tail instead.
 */
export async function claimStepOutputShare(
  db: DbClient,
  stepRunId: number,
  userId: string,
): Promise<OutputShare> {
  await db.query(
    `INSERT INTO step_run_outputs (step_run_id, output)
     SELECT id, output_tail FROM step_runs WHERE id = $1 AND finished_at IS NOT NULL AND output_tail <> ''
     ON CONFLICT (step_run_id) DO NOTHING`,
    [stepRunId],
  );
  const claimed = await db.query<{ output: string }>(
    `UPDATE step_run_outputs SET shared_at = now(), shared_by = $2
      WHERE step_run_id = $1 AND shared_at IS NULL RETURNING output`,
    [stepRunId, userId],
  );
  if (claimed.rows[0]) return { kind: 'claimed', output: claimed.rows[0].output };
  const shared = await db.query<{ sharedAt: Date; sharedBy: string | null }>(
    `SELECT shared_at AS "sharedAt", shared_by AS "sharedBy" FROM step_run_outputs WHERE step_run_id = $1`,
    [stepRunId],
  );
  const row = shared.rows[0];
  return row ? { kind: 'shared', sharedAt: row.sharedAt, sharedBy: row.sharedBy } : { kind: 'missing' };
}

/** The upload failed: the next click tries again. */
export async function releaseStepOutputShare(db: DbClient, stepRunId: number): Promise<void> {
  await db.query('UPDATE step_run_outputs SET shared_at = NULL, shared_by = NULL WHERE step_run_id = $1', [
    stepRunId,
  ]);
}
