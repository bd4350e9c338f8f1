import type { DbClient } from '../infra/db/pool.js';
import type { ChartPoint, DocumentationItem, ReportIssue } from './report.js';

// Reads for the review and history. Migration 003 owns these tables; nothing here writes.

export async function listIssues(db: DbClient, deploymentId: number): Promise<ReportIssue[]> {
  const result = await db.query<ReportIssue>(
    `SELECT id, severity, description, reported_by AS "reportedBy", owner, status, resolved_by AS "resolvedBy",
       resolved_at AS "resolvedAt", resolution, created_at AS "createdAt"
     FROM issues WHERE deployment_id = $1 ORDER BY created_at, id`,
    [deploymentId],
  );
  return result.rows;
}

export interface SampleSummaryRow {
  stageIndex: number | null;
  percent: number;
  metricId: string;
  samples: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  breaches: number;
  unknowns: number;
}

/** count, min, avg, max, breaches and unknowns per stage and metric. */
export async function summarizeSamples(db: DbClient, deploymentId: number): Promise<SampleSummaryRow[]> {
  const result = await db.query<SampleSummaryRow>(
    `SELECT stage_index AS "stageIndex", max(percent)::int AS percent, metric_id AS "metricId",
       count(*)::int AS samples, min(value) AS min, avg(value) AS avg, max(value) AS max,
       count(*) FILTER (WHERE status = 'breach')::int AS breaches,
       count(*) FILTER (WHERE status = 'unknown')::int AS unknowns
     FROM metric_samples WHERE deployment_id = $1
     GROUP BY stage_index, metric_id
     ORDER BY stage_index NULLS FIRST, metric_id`,
    [deploymentId],
  );
  return result.rows;
}

/** Every reading of the given metrics, oldest first. */
export async function listSamples(db: DbClient, deploymentId: number, metricIds: string[]) {
  const result = await db.query<ChartPoint & { metricId: string }>(
    `SELECT metric_id AS "metricId", taken_at AS at, value FROM metric_samples
     WHERE deployment_id = $1 AND metric_id = ANY($2::text[]) ORDER BY taken_at, id`,
    [deploymentId, metricIds],
  );
  return result.rows;
}

export async function listDocumentationUpdates(
  db: DbClient,
  deploymentId: number,
): Promise<DocumentationItem[]> {
  const result = await db.query<DocumentationItem>(
    `SELECT position, item, done_by AS "doneBy", done_at AS "doneAt"
     FROM documentation_updates WHERE deployment_id = $1 ORDER BY position`,
    [deploymentId],
  );
  return result.rows;
}
