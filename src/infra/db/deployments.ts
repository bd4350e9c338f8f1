import type { DeploymentState } from '../../deploy/model/lifecycle.js';
import type { DbClient } from './pool.js';

export interface Deployment {
  id: number;
  environment: string;
  version: string;
  previousVersion: string | null;
  state: DeploymentState;
  stageIndex: number | null;
  currentPercent: number;
  stageStartedAt: Date | null;
  heldFrom: DeploymentState | null;
  startedBy: string;
  channelId: string;
  rootTs: string | null;
  backupFile: string | null;
  schemaChanged: boolean;
  dryRun: boolean;
  planName: string;
  /** The plan's own variables, computed at start: `{{name}}` → value. */
  variables: Record<string, string>;
  revision: number;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

const columns = `id, environment, version, previous_version AS "previousVersion", state, stage_index AS "stageIndex",
  current_percent AS "currentPercent", stage_started_at AS "stageStartedAt", held_from AS "heldFrom",
  started_by AS "startedBy", channel_id AS "channelId", root_ts AS "rootTs",
  backup_file AS "backupFile", schema_changed AS "schemaChanged", dry_run AS "dryRun", plan_name AS "planName",
  variables, revision, created_at AS "createdAt", updated_at AS "updatedAt", ended_at AS "endedAt"`;

export async function insertDeployment(
  db: DbClient,
  row: Pick<
    Deployment,
    'environment' | 'version' | 'previousVersion' | 'startedBy' | 'channelId' | 'dryRun' | 'planName'
  > &
    Partial<Pick<Deployment, 'variables'>>,
): Promise<Deployment> {
  const result = await db.query<Deployment>(
    `INSERT INTO deployments (environment, version, previous_version, state, started_by, channel_id, dry_run, plan_name, variables)
     VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, $8) RETURNING ${columns}`,
    [
      row.environment,
      row.version,
      row.previousVersion,
      row.startedBy,
      row.channelId,
      row.dryRun,
      row.planName,
      JSON.stringify(row.variables ?? {}),
    ],
  );
  return result.rows[0] as Deployment;
}

export async function getDeployment(db: DbClient, id: number, options: { forUpdate?: boolean } = {}) {
  const result = await db.query<Deployment>(
    `SELECT ${columns} FROM deployments WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0];
}

/** The deployment of `environment` that has not ended, if any. */
export async function findActiveDeployment(db: DbClient, environment: string) {
  const result = await db.query<Deployment>(
    `SELECT ${columns} FROM deployments
     WHERE environment = $1 AND state NOT IN ('completed', 'aborted', 'rolled_back')`,
    [environment],
  );
  return result.rows[0];
}

export async function listActiveDeployments(db: DbClient) {
  const result = await db.query<Deployment>(
    `SELECT ${columns} FROM deployments WHERE state NOT IN ('completed', 'aborted', 'rolled_back') ORDER BY id`,
  );
  return result.rows;
}

export async function findLatestDeployment(db: DbClient, environment?: string) {
  const result = await db.query<Deployment>(
    `SELECT ${columns} FROM deployments WHERE ($1::text IS NULL OR environment = $1) ORDER BY id DESC LIMIT 1`,
    [environment ?? null],
  );
  return result.rows[0];
}

export async function findLastCompletedVersion(
  db: DbClient,
  environment: string,
): Promise<string | undefined> {
  const result = await db.query<{ version: string }>(
    // A completed dry run changed nothing: the version running is the last real one.
    `SELECT version FROM deployments WHERE environment = $1 AND state = 'completed' AND NOT dry_run ORDER BY ended_at DESC LIMIT 1`,
    [environment],
  );
  return result.rows[0]?.version;
}

export interface TransitionFields {
  stageIndex?: number | null;
  currentPercent?: number;
  /** The stage's soak clock starts now. */
  stageStarted?: boolean;
}

/** Compare-and-set: moves the deployment only if it is still in `from`. Returns undefined when someone else won. */
export async function updateDeploymentState(
  db: DbClient,
  id: number,
  from: DeploymentState,
  to: DeploymentState,
  fields: TransitionFields & { ended?: boolean } = {},
) {
  const result = await db.query<Deployment>(
    `UPDATE deployments SET state = $3, revision = revision + 1, updated_at = now(),
       stage_index = CASE WHEN $4::boolean THEN $5::integer ELSE stage_index END,
       current_percent = COALESCE($6::integer, current_percent),
       ended_at = CASE WHEN $7::boolean THEN now() ELSE ended_at END,
       stage_started_at = CASE WHEN $8::boolean THEN now() ELSE stage_started_at END,
       held_from = CASE WHEN $3 = 'held' THEN $2 ELSE NULL END
     WHERE id = $1 AND state = $2 RETURNING ${columns}`,
    [
      id,
      from,
      to,
      'stageIndex' in fields,
      fields.stageIndex ?? null,
      fields.currentPercent ?? null,
      fields.ended ?? false,
      fields.stageStarted ?? false,
    ],
  );
  return result.rows[0];
}

export async function setRootTs(db: DbClient, id: number, rootTs: string) {
  await db.query('UPDATE deployments SET root_ts = $2 WHERE id = $1 AND root_ts IS NULL', [id, rootTs]);
}

export async function recordBackupFile(db: DbClient, id: number, backupFile: string) {
  await db.query('UPDATE deployments SET backup_file = $2, updated_at = now() WHERE id = $1', [
    id,
    backupFile,
  ]);
}

/** OR-ed across steps and attempts: once a migration may have changed the schema, nothing clears it. */
export async function recordSchemaChanged(db: DbClient, id: number, schemaChanged: boolean) {
  await db.query(
    'UPDATE deployments SET schema_changed = schema_changed OR $2, updated_at = now() WHERE id = $1',
    [id, schemaChanged],
  );
}

export async function recordPreviousVersion(db: DbClient, id: number, version: string) {
  await db.query('UPDATE deployments SET previous_version = $2 WHERE id = $1 AND previous_version IS NULL', [
    id,
    version,
  ]);
}
