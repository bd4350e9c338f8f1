import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryPrometheus } from '../../../../src/infra/monitor/prometheus.js';
import { startFakePrometheus } from '../../../support/fake-prometheus.js';

describe('Prometheus queries', () => {
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  beforeAll(async () => {
    prometheus = await startFakePrometheus({ error_rate: 0.002 });
  });
  afterAll(() => prometheus.close());

  it('deployments reading the same metric at the same moment share one request, and each gets the value', async () => {
    prometheus.queries.length = 0;
    const readings = await Promise.all(
      Array.from({ length: 20 }, () => queryPrometheus(prometheus.url, 'sum(error_rate)')),
    );
    expect(readings.every((r) => r.ok && r.value === 0.002)).toBe(true);
    expect(prometheus.queries).toEqual(['sum(error_rate)']);
  });

  it('a reading taken after the last one answered asks Prometheus again, so it is never stale', async () => {
    prometheus.queries.length = 0;
    await queryPrometheus(prometheus.url, 'sum(error_rate)');
    prometheus.set('error_rate', 0.5);
    const later = await queryPrometheus(prometheus.url, 'sum(error_rate)');
    expect(later).toEqual({ ok: true, value: 0.5 });
    expect(prometheus.queries).toHaveLength(2);
  });
});
