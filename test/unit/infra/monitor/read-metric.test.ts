import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Metric, readMetric } from '../../../../src/infra/monitor/read-metric.js';
import { startFakePrometheus } from '../../../support/fake-prometheus.js';

const errorRate: Metric = {
  id: 'error_rate',
  name: 'Error rate',
  source: 'prometheus',
  query: 'sum(rate(http_requests_total{env="{{environment}}",version="{{version}}",code=~"5.."}[5m]))',
  unit: 'ratio',
  comparison: 'above',
  threshold: 0.01,
} as Metric;

describe('a monitor reads this deployment, with its values filled in', () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  beforeAll(async () => {
    prometheus = await startFakePrometheus({ 'env="production",version="v4.0.0"': 0.002 });
  });
  afterAll(async () => {
    await prometheus.close();
  });

  it('sends the query with the environment and version of the deployment, not the placeholders', async () => {
    const reading = await readMetric(errorRate, {
      prometheusUrl: prometheus.url,
      vars: { environment: 'production', version: 'v4.0.0' },
    });
    expect(prometheus.queries.at(-1)).toBe(
      'sum(rate(http_requests_total{env="production",version="v4.0.0",code=~"5.."}[5m]))',
    );
    expect(reading).toEqual({ metricId: 'error_rate', value: 0.002, status: 'ok' });
  });

  it('is unknown, saying which value is missing, when the query needs one it does not have', async () => {
    const before = prometheus.queries.length;
    const reading = await readMetric(errorRate, { prometheusUrl: prometheus.url, vars: {} });
    expect(reading.status).toBe('unknown');
    expect(reading.detail).toContain('{{environment}}');
    expect(prometheus.queries.length).toBe(before);
  });
});
