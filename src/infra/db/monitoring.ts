import type { MonitorState } from '../monitor/evaluate.js';
import type { MetricStatus } from '../monitor/read-metric.js';
import { countAlertsRaisedSince } from './alert-groups.js';
import type { DbClient } from './pool.js';

export async function getMonitorStates(
  db: DbClient,
  deploymentId: number,
): Promise<Map<string, MonitorState & { alertPromptId: number | null }>> {
  const result = await db.query<MonitorState & { metricId: string; alertPromptId: number | null }>(
    `SELECT metric_id AS "metricId", status, consecutive, readings, since, last_value AS "lastValue", alerted,
       alert_prompt_id AS "alertPromptId"
     FROM monitor_states WHERE deployment_id = $1`,
    [deploymentId],
  );
  return new Map(result.rows.map((row) => [row.metricId, row]));
}

export async function saveMonitorState(
  db: DbClient,
  deploymentId: number,
  metricId: string,
  state: MonitorState,
  alertPromptId?: number | null,
) {
  await db.query(
    `INSERT INTO monitor_states (deployment_id, metric_id, status, consecutive, readings, since, last_value, alerted, alert_prompt_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     ON CONFLICT (deployment_id, metric_id) DO UPDATE SET status = $3, consecutive = $4, readings = $5, since = $6,
       last_value = $7, alerted = $8, alert_prompt_id = COALESCE($9, monitor_states.alert_prompt_id), updated_at = now()`,
    [
      deploymentId,
      metricId,
      state.status,
      state.consecutive,
      state.readings,
      state.since,
      state.lastValue,
      state.alerted,
      alertPromptId ?? null,
    ],
  );
}

export async function insertSample(
  db: DbClient,
  row: {
    deploymentId: number;
    metricId: string;
    value: number | undefined;
    status: MetricStatus;
    stageIndex: number | null;
    percent: number;
  },
) {
  await db.query(
    `INSERT INTO metric_samples (deployment_id, metric_id, value, status, stage_index, percent) VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.deploymentId, row.metricId, row.value ?? null, row.status, row.stageIndex, row.percent],
  );
}

/** Alerts raised since `since`, and monitors alerting now: any of them means "not in range". */
export async function countAlertsSince(
  db: DbClient,
  deploymentId: number,
  since: Date,
): Promise<{ raised: number; active: number }> {
  const result = await db.query<{ active: number }>(
    `SELECT count(*)::int AS active FROM monitor_states WHERE deployment_id = $1 AND alerted`,
    [deploymentId],
  );
  // Counted per monitor or Alertmanager alert, not per message: a grouped alert of four is four.
  const raised = await countAlertsRaisedSince(db, deploymentId, since);
  return { raised, active: result.rows[0]?.active ?? 0 };
}

/** Metrics that produced no reading with data since `since`: their range is unproven. */
export async function metricsWithoutDataSince(
  db: DbClient,
  deploymentId: number,
  metricIds: string[],
  since: Date,
): Promise<string[]> {
  const result = await db.query<{ metricId: string }>(
    `SELECT DISTINCT metric_id AS "metricId" FROM metric_samples WHERE deployment_id = $1 AND taken_at >= $2 AND status <> 'unknown'`,
    [deploymentId, since],
  );
  const seen = new Set(result.rows.map((row) => row.metricId));
  return metricIds.filter((id) => !seen.has(id));
}
