import type { DbClient } from './pool.js';

export const stepStatuses = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'interrupted',
  'marked_done',
] as const;
export type StepStatus = (typeof stepStatuses)[number];

export interface StepRun {
  id: number;
  deploymentId: number;
  stepId: string;
  stepName: string;
  phase: string;
  position: number;
  attempt: number;
  status: StepStatus;
  exitCode: number | null;
  summary: string | null;
  outputTail: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

const columns = `id, deployment_id AS "deploymentId", step_id AS "stepId", step_name AS "stepName", phase, position,
  attempt, status, exit_code AS "exitCode", summary, output_tail AS "outputTail", started_at AS "startedAt",
  finished_at AS "finishedAt"`;

export async function insertStepRun(
  db: DbClient,
  row: Pick<StepRun, 'deploymentId' | 'stepId' | 'stepName' | 'phase' | 'position' | 'attempt'>,
): Promise<StepRun> {
  const result = await db.query<StepRun>(
    `INSERT INTO step_runs (deployment_id, step_id, step_name, phase, position, attempt)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
    [row.deploymentId, row.stepId, row.stepName, row.phase, row.position, row.attempt],
  );
  return result.rows[0] as StepRun;
}

export async function getStepRun(db: DbClient, id: number) {
  const result = await db.query<StepRun>(`SELECT ${columns} FROM step_runs WHERE id = $1`, [id]);
  return result.rows[0];
}

export async function listStepRuns(db: DbClient, deploymentId: number) {
  const result = await db.query<StepRun>(
    `SELECT ${columns} FROM step_runs WHERE deployment_id = $1 ORDER BY id`,
    [deploymentId],
  );
  return result.rows;
}

/** The latest attempt of each step, in run order. */
export async function listLatestStepRuns(db: DbClient, deploymentId: number) {
  const result = await db.query<StepRun>(
    `SELECT DISTINCT ON (step_id) ${columns} FROM step_runs WHERE deployment_id = $1
     ORDER BY step_id, attempt DESC`,
    [deploymentId],
  );
  return result.rows.sort((a, b) => a.id - b.id);
}

/** Claims a pending run for execution: exactly one caller gets it, however often the job is delivered. */
export async function claimStepRun(db: DbClient, id: number) {
  const result = await db.query<StepRun>(
    `UPDATE step_runs SET status = 'running', started_at = now() WHERE id = $1 AND status = 'pending'
     RETURNING ${columns}`,
    [id],
  );
  return result.rows[0];
}

export async function finishStepRun(
  db: DbClient,
  id: number,
  outcome: { status: StepStatus; exitCode?: number | undefined; summary: string; outputTail: string },
  from: StepStatus = 'running',
) {
  const result = await db.query<StepRun>(
    `UPDATE step_runs SET status = $2, exit_code = $3, summary = $4, output_tail = $5, finished_at = now()
     WHERE id = $1 AND status = $6 RETURNING ${columns}`,
    [id, outcome.status, outcome.exitCode ?? null, outcome.summary, outcome.outputTail, from],
  );
  return result.rows[0];
}

export async function listRunningStepRuns(db: DbClient) {
  const result = await db.query<StepRun>(
    `SELECT ${columns} FROM step_runs WHERE status = 'running' ORDER BY id`,
  );
  return result.rows;
}

export async function listPendingStepRuns(db: DbClient) {
  const result = await db.query<StepRun>(
    `SELECT ${columns} FROM step_runs WHERE status = 'pending' ORDER BY id`,
  );
  return result.rows;
}

export async function cancelPendingStepRuns(db: DbClient, deploymentId: number) {
  await db.query(
    `UPDATE step_runs SET status = 'cancelled', finished_at = now(), summary = 'cancelled'
     WHERE deployment_id = $1 AND status = 'pending'`,
    [deploymentId],
  );
}
