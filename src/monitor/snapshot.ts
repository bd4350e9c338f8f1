import type { Plan } from '../plan/schema.js';
import { httpCheck } from '../run/http-check.js';
import { queryPrometheus } from './prometheus.js';

export type MetricStatus = 'ok' | 'breach' | 'unknown';

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
  health: { status: 'ok' | 'failing' | 'unknown'; summary: string };
}

type Metric = Plan['monitoring']['metrics'][number];

export function judge(metric: Pick<Metric, 'comparison' | 'threshold'>, value: number): MetricStatus {
  return metric.comparison === 'above' ? (value > metric.threshold ? 'breach' : 'ok') : value < metric.threshold ? 'breach' : 'ok';
}

/** Reads every metric of the plan once, plus the health check: what a check-in or review shows. */
export async function takeSnapshot(input: {
  plan: Plan;
  prometheusUrl?: string | undefined;
  healthcheckUrl?: string | undefined;
  now: () => Date;
}): Promise<Snapshot> {
  const metrics = await Promise.all(
    input.plan.monitoring.metrics.map(async (metric): Promise<MetricReading> => {
      const base = { id: metric.id, name: metric.name, unit: metric.unit, threshold: metric.threshold, comparison: metric.comparison };
      if (metric.source !== 'prometheus' || !metric.query) {
        return { ...base, status: 'unknown', detail: 'not a Prometheus metric' };
      }
      if (!input.prometheusUrl) return { ...base, status: 'unknown', detail: 'PROMETHEUS_URL is not set' };
      const result = await queryPrometheus(input.prometheusUrl, metric.query);
      if (!result.ok) return { ...base, status: 'unknown', detail: result.detail };
      return { ...base, value: result.value, status: judge(metric, result.value) };
    }),
  );
  let health: Snapshot['health'] = { status: 'unknown', summary: 'HEALTHCHECK_URL is not set' };
  if (input.healthcheckUrl) {
    const outcome = await httpCheck({ url: input.healthcheckUrl, expectStatus: 200, expectBodyContains: 'status', timeoutMs: 3_000 });
    health = { status: outcome.status === 'succeeded' ? 'ok' : 'failing', summary: outcome.summary };
  }
  return { takenAt: input.now(), metrics, health };
}
