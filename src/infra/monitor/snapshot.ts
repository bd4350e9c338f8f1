import type { Plan } from '../../plan/schema.js';
import { httpCheck } from '../run/http-check.js';
import { type MetricStatus, readMetric } from './read-metric.js';

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
  health: { status: 'ok' | 'failing' | 'unknown'; summary: string };
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
      const reading = await readMetric(metric, input);
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
  );
  let health: Snapshot['health'] = { status: 'unknown', summary: 'HEALTHCHECK_URL is not set' };
  if (input.healthcheckUrl) {
    const outcome = await httpCheck({
      url: input.healthcheckUrl,
      expectStatus: 200,
      expectBodyContains: 'status',
      timeoutMs: 3_000,
    });
    health = { status: outcome.status === 'succeeded' ? 'ok' : 'failing', summary: outcome.summary };
  }
  return { takenAt: input.now(), metrics, health };
}
