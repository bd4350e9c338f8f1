import type { Plan } from '../../plan/schema.js';
import type { TemplateVars } from '../../plan/variables.js';
import { isHealthMonitor, planHealthCheck, resolveHealthCheck, runHealthCheck } from './health-check.js';
import { judge, type MetricSources, type MetricStatus, readMetric } from './read-metric.js';

export type { MetricStatus };

export interface MetricReading {
  id: string;
  name: string;
  unit: string;
  threshold: number;
  comparison: 'above' | 'below';
  value?: number | undefined;
  status: MetricStatus;
  detail?: string | undefined;
}

export interface Snapshot {
  takenAt: Date;
  metrics: MetricReading[];
  /**
   * The plan's health check (its http_check step). `metricId`: the monitor that probes the same
   * URL and carries this result, so a check-in shows health once.
   */
  health: { status: 'ok' | 'failing' | 'unknown'; summary: string; metricId?: string | undefined };
}

/** What monitors read with: the plan's health check included, so they judge health as the plan does. */
export function monitorSources(
  plan: Pick<Plan, 'steps'>,
  sources: { prometheusUrl?: string | undefined; healthcheckUrl?: string | undefined },
  vars?: TemplateVars,
): MetricSources {
  const healthCheck = resolveHealthCheck(planHealthCheck(plan), {
    healthcheckUrl: sources.healthcheckUrl,
    vars,
  });
  return {
    prometheusUrl: sources.prometheusUrl,
    healthcheckUrl: sources.healthcheckUrl,
    healthCheck,
    ...(vars ? { vars } : {}),
  };
}

/** Reads every metric of the plan once, plus the plan's health check: what a check-in or review shows. */
export async function takeSnapshot(input: {
  plan: Plan;
  prometheusUrl?: string | undefined;
  healthcheckUrl?: string | undefined;
  vars?: TemplateVars | undefined;
  now: () => Date;
}): Promise<Snapshot> {
  const sources = monitorSources(input.plan, input, input.vars);
  const healthCheck = sources.healthCheck;
  const healthMetric = healthCheck
    ? input.plan.monitoring.metrics.find((metric) => isHealthMonitor(metric, healthCheck, sources))
    : undefined;
  const [health, metrics] = await Promise.all([
    healthCheck
      ? runHealthCheck(healthCheck)
      : Promise.resolve({ status: 'unknown' as const, summary: 'no health check' }),
    Promise.all(
      input.plan.monitoring.metrics
        // The health monitor is read once, below, from the health check itself.
        .filter((metric) => metric !== healthMetric)
        .map(async (metric): Promise<MetricReading> => {
          const reading = await readMetric(metric, sources);
          return {
            id: metric.id,
            name: metric.name,
            unit: metric.unit,
            threshold: metric.threshold,
            comparison: metric.comparison,
            value: reading.value,
            status: reading.status,
            detail: reading.detail,
          };
        }),
    ),
  ]);
  if (healthMetric) {
    const value = health.status === 'unknown' ? undefined : health.status === 'ok' ? 1 : 0;
    const status: MetricStatus = value === undefined ? 'unknown' : judge(healthMetric, value);
    const reading: MetricReading = {
      id: healthMetric.id,
      name: healthMetric.name,
      unit: healthMetric.unit,
      threshold: healthMetric.threshold,
      comparison: healthMetric.comparison,
      value,
      status,
      detail: status === 'ok' ? undefined : health.summary,
    };
    const index = input.plan.monitoring.metrics.indexOf(healthMetric);
    metrics.splice(index, 0, reading);
  }
  return {
    takenAt: input.now(),
    metrics,
    health: { ...health, ...(healthMetric ? { metricId: healthMetric.id } : {}) },
  };
}
