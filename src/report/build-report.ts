import { resolveStep } from '../deploy/flow/resolve-step.js';
import { AppError } from '../errors.js';
import { listAudit } from '../infra/db/audit.js';
import { getDeployment } from '../infra/db/deployments.js';
import type { DbClient } from '../infra/db/pool.js';
import { listStepRuns, type StepRun } from '../infra/db/step-runs.js';
import type { Plan } from '../plan/schema.js';
import { buildTimeline } from './build-timeline.js';
import { deriveStages } from './derive-stages.js';
import type {
  ChartMarker,
  ChartSeries,
  MetricSummary,
  Report,
  ReportStage,
  ReportStep,
  StageMetrics,
} from './report.js';
import {
  listDocumentationUpdates,
  listIssues,
  listSamples,
  type SampleSummaryRow,
  summarizeSamples,
} from './report-queries.js';

/** What the chart draws when the plan has them; otherwise the first two metrics with readings. */
export const chartMetricIds = ['error_rate', 'api_p95_latency'] as const;

/** Reads everything the post-deployment review needs from Postgres. */
export async function buildReport(
  db: DbClient,
  plan: Plan,
  deploymentId: number,
  now: Date,
  options: { timeScale?: number } = {},
): Promise<Report> {
  const deployment = await getDeployment(db, deploymentId);
  if (!deployment) throw new AppError('not_found', `There is no deployment #${deploymentId}.`);
  const timeScale = options.timeScale ?? 1;
  const [runs, audit, issues, summaries, documentation] = await Promise.all([
    listStepRuns(db, deploymentId),
    listAudit(db, { deploymentId }),
    listIssues(db, deploymentId),
    summarizeSamples(db, deploymentId),
    listDocumentationUpdates(db, deploymentId),
  ]);
  const stages = deriveStages({
    stages: plan.stages,
    audit,
    now,
    timeScale,
    endedAt: deployment.endedAt,
  }).map(
    // Under `traffic: none` no command set a share of traffic: the report claims none.
    (stage) => (plan.traffic.mode === 'none' ? { ...stage, percent: null } : stage),
  );
  const chartIds = pickChartMetrics(plan, summaries);
  const samples = chartIds.length > 0 ? await listSamples(db, deploymentId, chartIds) : [];
  const series: ChartSeries[] = chartIds.map((metricId) => ({
    ...metricMeta(plan, metricId),
    points: samples.filter((s) => s.metricId === metricId).map(({ at, value }) => ({ at, value })),
  }));
  const markers: ChartMarker[] = [
    ...stages.flatMap((stage): ChartMarker[] =>
      stage.startedAt
        ? [
            {
              at: stage.startedAt,
              label: stage.percent === null ? stage.name : `${stage.percent}%`,
              kind: 'stage',
            },
          ]
        : [],
    ),
    ...audit
      .filter((row) => row.action === 'rollback')
      .map((row): ChartMarker => ({ at: row.createdAt, label: 'rollback', kind: 'rollback' })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  return {
    deployment,
    application: plan.application,
    timeZone: plan.timezone,
    generatedAt: now,
    timeScale,
    totalMs: Math.max(0, (deployment.endedAt ?? now).getTime() - deployment.createdAt.getTime()),
    steps: runs.map((run) => reportStep(plan, run)),
    stages,
    timeline: buildTimeline(audit),
    issues,
    metrics: stageMetrics(plan, stages, summaries),
    documentation:
      documentation.length > 0
        ? documentation
        : plan.documentationUpdates.map((item, position) => ({ position, item, doneBy: null, doneAt: null })),
    chart: {
      title: `${plan.application} ${deployment.version} → ${deployment.environment} (#${deployment.id})`,
      timeZone: plan.timezone,
      series,
      markers,
    },
  };
}

function reportStep(plan: Plan, run: StepRun): ReportStep {
  const durationMs =
    run.startedAt && run.finishedAt ? Math.max(0, run.finishedAt.getTime() - run.startedAt.getTime()) : null;
  return {
    stepId: run.stepId,
    name: run.stepName,
    phase: run.phase,
    position: run.position,
    attempt: run.attempt,
    status: run.status,
    summary: run.summary,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs,
    timeoutMs: resolveStep(plan, run.stepId)?.timeout ?? null,
  };
}

function metricMeta(
  plan: Plan,
  metricId: string,
): Omit<MetricSummary, 'samples' | 'min' | 'avg' | 'max' | 'breaches' | 'unknowns'> {
  const metric = plan.monitoring.metrics.find((m) => m.id === metricId);
  return metric
    ? {
        metricId,
        name: metric.name,
        unit: metric.unit,
        threshold: metric.threshold,
        comparison: metric.comparison,
      }
    : { metricId, name: metricId, unit: '', threshold: null, comparison: null };
}

function pickChartMetrics(plan: Plan, summaries: SampleSummaryRow[]): string[] {
  const withData = new Set(summaries.filter((row) => row.samples > row.unknowns).map((row) => row.metricId));
  const ordered = [...plan.monitoring.metrics.map((m) => m.id), ...[...withData].sort()];
  const chosen: string[] = chartMetricIds.filter((id) => withData.has(id));
  for (const id of ordered) {
    if (chosen.length >= 2) break;
    if (withData.has(id) && !chosen.includes(id)) chosen.push(id);
  }
  return chosen;
}

function stageMetrics(plan: Plan, stages: ReportStage[], summaries: SampleSummaryRow[]): StageMetrics[] {
  const order = new Map(plan.monitoring.metrics.map((metric, i) => [metric.id, i]));
  const rank = (id: string) => order.get(id) ?? Number.MAX_SAFE_INTEGER;
  const groups = new Map<number | null, SampleSummaryRow[]>();
  for (const row of summaries) groups.set(row.stageIndex, [...(groups.get(row.stageIndex) ?? []), row]);
  return [...groups.entries()]
    .sort(([a], [b]) => (a ?? -1) - (b ?? -1))
    .map(([stageIndex, rows]) => {
      const stage = stageIndex === null ? undefined : stages[stageIndex];
      return {
        stageIndex,
        stageName:
          stage?.name ?? (stageIndex === null ? 'Before the first stage' : `Stage ${stageIndex + 1}`),
        percent:
          plan.traffic.mode === 'none'
            ? null
            : (stage?.percent ?? Math.max(...rows.map((row) => row.percent))),
        metrics: rows
          .sort((a, b) => rank(a.metricId) - rank(b.metricId) || a.metricId.localeCompare(b.metricId))
          .map((row) => ({
            ...metricMeta(plan, row.metricId),
            samples: row.samples,
            min: row.min,
            avg: row.avg,
            max: row.max,
            breaches: row.breaches,
            unknowns: row.unknowns,
          })),
      };
    });
}
