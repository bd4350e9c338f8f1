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
  /** Fencing token of the claim that runs (or ran) it: only that claim may record its outcome. */
  claimToken: string | null;
  owner: StepRunOwner | null;
  heartbeatAt: Date | null;
}

/** The process running a step: where to look, and what to kill, before anyone calls it dead. */
export interface StepRunOwner {
  host: string;
  pid: number;
  instance: string;
  /** The step command's own process group, once spawned. */
  processGroup: number | null;
}

interface StepRunRow extends Omit<StepRun, 'owner'> {
  ownerHost: string | null;
  ownerPid: number | null;
  ownerInstance: string | null;
  processGroup: number | null;
}

function toStepRun({ ownerHost, ownerPid, ownerInstance, processGroup, ...row }: StepRunRow): StepRun {
  const owner =
    ownerHost !== null && ownerPid !== null && ownerInstance !== null
      ? { host: ownerHost, pid: ownerPid, instance: ownerInstance, processGroup }
      : null;
  return { ...row, owner };
}

const columns = `id, deployment_id AS "deploymentId", step_id AS "stepId", step_name AS "stepName", phase, position,
  attempt, status, exit_code AS "exitCode", summary, output_tail AS "outputTail", started_at AS "startedAt",
  finished_at AS "finishedAt", claim_token AS "claimToken", owner_host AS "ownerHost", owner_pid AS "ownerPid",
  owner_instance AS "ownerInstance", process_group AS "processGroup", heartbeat_at AS "heartbeatAt"`;

export async function insertStepRun(
  db: DbClient,
  row: Pick<StepRun, 'deploymentId' | 'stepId' | 'stepName' | 'phase' | 'position' | 'attempt'>,
): Promise<StepRun> {
  const result = await db.query<StepRunRow>(
    `INSERT INTO step_runs (deployment_id, step_id, step_name, phase, position, attempt)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
    [row.deploymentId, row.stepId, row.stepName, row.phase, row.position, row.attempt],
  );
  return toStepRun(result.rows[0] as StepRunRow);
}

export async function getStepRun(db: DbClient, id: number) {
  const result = await db.query<StepRunRow>(`SELECT ${columns} FROM step_runs WHERE id = $1`, [id]);
  return result.rows[0] && toStepRun(result.rows[0]);
}

export async function listStepRuns(db: DbClient, deploymentId: number) {
  const result = await db.query<StepRunRow>(
    `SELECT ${columns} FROM step_runs WHERE deployment_id = $1 ORDER BY id`,
    [deploymentId],
  );
  return result.rows.map(toStepRun);
}

/** The latest attempt of each step, in run order. */
export async function listLatestStepRuns(db: DbClient, deploymentId: number) {
  const result = await db.query<StepRunRow>(
    `SELECT DISTINCT ON (step_id) ${columns} FROM step_runs WHERE deployment_id = $1
     ORDER BY step_id, attempt DESC`,
    [deploymentId],
  );
  return result.rows.map(toStepRun).sort((a, b) => a.id - b.id);
}

/**
 * Claims a pending run for execution in one statement (its own transaction), checking the
 * deployment's state under its row lock (FOR SHARE: a hold, an abort or a rollback takes FOR
 * UPDATE, so one waits for the other, and the state is read again once the lock is free). Lock
 * order is the deployment, then the run. Exactly one caller gets the run, however often its job is
 * delivered, and never while the deployment is not in the states of the run's phase: then the run
 * stays pending (`held`). Undefined: no such pending run (claimed already, or finished).
 */
export async function claimStepRun(
  db: DbClient,
  id: number,
  states: { rollout: readonly string[]; rollback: readonly string[] },
  owner: Omit<StepRunOwner, 'processGroup'>,
  token: string,
): Promise<StepRun | 'held' | undefined> {
  const result = await db.query<StepRunRow & { mayRun: boolean | null }>(
    `WITH target AS (
       SELECT r.id AS run_id, d.state = ANY(CASE WHEN r.phase = 'rollback' THEN $7::text[] ELSE $6::text[] END) AS may_run
         FROM step_runs r JOIN deployments d ON d.id = r.deployment_id
        WHERE r.id = $1 AND r.status = 'pending' FOR SHARE OF d
     ), claimed AS (
       UPDATE step_runs SET status = 'running', started_at = now(), claim_token = $2, owner_host = $3,
              owner_pid = $4, owner_instance = $5, process_group = NULL, heartbeat_at = now()
         FROM target WHERE step_runs.id = target.run_id AND target.may_run AND step_runs.status = 'pending'
       RETURNING ${columns}
     )
     SELECT target.may_run AS "mayRun", claimed.* FROM target LEFT JOIN claimed ON true`,
    [id, token, owner.host, owner.pid, owner.instance, states.rollout, states.rollback],
  );
  const [row] = result.rows;
  if (!row) return undefined;
  const { mayRun, ...run } = row;
  if (!mayRun) return 'held';
  return run.id === null ? undefined : toStepRun(run);
}

/** The claim is alive: only the claim holding `token` can beat. Returns false once it lost the run. */
export async function beatStepRun(db: DbClient, id: number, token: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE step_runs SET heartbeat_at = now() WHERE id = $1 AND claim_token = $2 AND status = 'running'`,
    [id, token],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Where the step's command runs, so a reconciler on this host can make sure it is dead. */
export async function recordProcessGroup(db: DbClient, id: number, token: string, processGroup: number) {
  await db.query('UPDATE step_runs SET process_group = $3 WHERE id = $1 AND claim_token = $2', [
    id,
    token,
    processGroup,
  ]);
}

/** Given up by a shutdown: no heartbeat, so the next reconciler need not wait for one to expire. */
export async function releaseStepRun(db: DbClient, id: number, token: string) {
  await db.query('UPDATE step_runs SET heartbeat_at = NULL WHERE id = $1 AND claim_token = $2', [id, token]);
}

export async function finishStepRun(
  db: DbClient,
  id: number,
  outcome: { status: StepStatus; exitCode?: number | undefined; summary: string; outputTail: string },
  from: StepStatus = 'running',
  /** The claim's fencing token: a late outcome of an earlier claim records nothing. */
  token?: string,
) {
  const result = await db.query<StepRunRow>(
    `UPDATE step_runs SET status = $2, exit_code = $3, summary = $4, output_tail = $5, finished_at = now()
     WHERE id = $1 AND status = $6 AND ($7::uuid IS NULL OR claim_token = $7) RETURNING ${columns}`,
    [id, outcome.status, outcome.exitCode ?? null, outcome.summary, outcome.outputTail, from, token ?? null],
  );
  return result.rows[0] && toStepRun(result.rows[0]);
}

export async function listRunningStepRuns(db: DbClient) {
  const result = await db.query<StepRunRow>(
    `SELECT ${columns} FROM step_runs WHERE status = 'running' ORDER BY id`,
  );
  return result.rows.map(toStepRun);
}

export async function listPendingStepRuns(db: DbClient) {
  const result = await db.query<StepRunRow>(
    `SELECT ${columns} FROM step_runs WHERE status = 'pending' ORDER BY id`,
  );
  return result.rows.map(toStepRun);
}

export async function cancelPendingStepRuns(db: DbClient, deploymentId: number) {
  await db.query(
    `UPDATE step_runs SET status = 'cancelled', finished_at = now(), summary = 'cancelled'
     WHERE deployment_id = $1 AND status = 'pending'`,
    [deploymentId],
  );
}
