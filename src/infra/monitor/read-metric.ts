import { request } from 'undici';
import type { Plan } from '../../plan/schema.js';
import { substituteText, type TemplateVars } from '../../plan/variables.js';
import { isHealthMonitor, type ResolvedHealthCheck, runHealthCheck } from './health-check.js';
import { queryPrometheus } from './prometheus.js';

export type Metric = Plan['monitoring']['metrics'][number];
export type MetricStatus = 'ok' | 'breach' | 'unknown';

export interface Reading {
  metricId: string;
  value?: number | undefined;
  status: MetricStatus;
  detail?: string | undefined;
}

export interface MetricSources {
  prometheusUrl?: string | undefined;
  healthcheckUrl?: string | undefined;
  /** The plan's health check (health-check.ts): an up/down probe of its URL is judged by it. */
  healthCheck?: ResolvedHealthCheck | undefined;
  vars?: TemplateVars | undefined;
}

export function judge(metric: Pick<Metric, 'comparison' | 'threshold'>, value: number): MetricStatus {
  return metric.comparison === 'above'
    ? value > metric.threshold
      ? 'breach'
      : 'ok'
    : value < metric.threshold
      ? 'breach'
      : 'ok';
}

/** One reading of one monitor. Missing data is `unknown`, which a human must look at; it never passes. */
export async function readMetric(metric: Metric, sources: MetricSources): Promise<Reading> {
  const unknown = (detail: string): Reading => ({ metricId: metric.id, status: 'unknown', detail });
  let value: number | undefined;
  if (metric.source === 'prometheus') {
    if (!sources.prometheusUrl) return unknown('PROMETHEUS_URL is not set');
    const query = fillIn(metric.query ?? '', sources);
    if (!query.ok) return unknown(query.detail);
    const result = await queryPrometheus(sources.prometheusUrl, query.text);
    if (!result.ok) return unknown(result.detail);
    value = result.value;
  } else if (sources.healthCheck && isHealthMonitor(metric, sources.healthCheck, sources)) {
    // The plan's own health check (status and body), not merely "answers 2xx".
    const health = await runHealthCheck(sources.healthCheck);
    if (health.status === 'unknown') return unknown(health.summary);
    value = health.status === 'ok' ? 1 : 0;
    const status = judge(metric, value);
    return { metricId: metric.id, value, status, ...(status === 'ok' ? {} : { detail: health.summary }) };
  } else {
    const filled = fillIn(metric.url ?? '', sources);
    if (!filled.ok) return unknown(filled.detail);
    const url = filled.text;
    if (!url) return unknown('the probe has no URL (HEALTHCHECK_URL is not set?)');
    const probed = await probe(url, metric.field);
    if (probed.value === undefined) return unknown(probed.detail);
    value = probed.value;
  }
  return { metricId: metric.id, value, status: judge(metric, value) };
}

/**
 * A query or URL with the deployment's values filled in (`{{environment}}`, `{{version}}`, the
 * plan's own variables), as the plan check promises: a monitor watches this deployment, not a
 * literal "{{environment}}". A value that is not known makes the reading unknown, never a guess.
 */
function fillIn(
  text: string,
  sources: MetricSources,
): { ok: true; text: string } | { ok: false; detail: string } {
  try {
    return {
      ok: true,
      text: substituteText(text, { ...sources.vars, healthcheckUrl: sources.healthcheckUrl ?? '' }),
    };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

async function probe(url: string, field?: string): Promise<{ value?: number; detail: string }> {
  try {
    const response = await request(url, { method: 'GET', headersTimeout: 3_000, bodyTimeout: 3_000 });
    const text = await response.body.text();
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    if (!field) return { value: ok ? 1 : 0, detail: `HTTP ${response.statusCode}` };
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const value = Number(parsed[field]);
    return Number.isFinite(value) ? { value, detail: 'ok' } : { detail: `no number in field ${field}` };
  } catch (error) {
    // Unreachable counts as down for an up/down probe: that is what users would see.
    if (!field) return { value: 0, detail: error instanceof Error ? error.message : String(error) };
    return { detail: error instanceof Error ? error.message : String(error) };
  }
}
