import { describe, expect, it } from 'vitest';
import { checkInMessage } from '../../../../src/announce/blocks/check-in-message.js';
import type { MetricReading, Snapshot } from '../../../../src/infra/monitor/snapshot.js';

const takenAt = new Date('2026-12-02T04:00:00Z');
const reading = (
  id: string,
  name: string,
  value: number | undefined,
  status: MetricReading['status'],
): MetricReading => ({
  id,
  name,
  unit: id === 'errors' ? 'ratio' : 's',
  threshold: id === 'errors' ? 0.01 : 0.5,
  comparison: 'above',
  value,
  status,
});
const message = (
  metrics: MetricReading[],
  health: Snapshot['health'] = { status: 'ok', summary: 'HTTP 200' },
) =>
  checkInMessage({
    number: 3,
    total: 12,
    snapshot: { takenAt, metrics, health },
    percent: 10,
    missed: [],
    timeZone: 'America/New_York',
    promptId: 9,
    answerBy: new Date('2026-12-02T04:30:00Z'),
  });
const blockText = (m: ReturnType<typeof message>) => JSON.stringify(m.blocks);

describe('a check-in (issue #16: compact when all is well)', () => {
  it('is one line with the figures that matter and the time to answer by when all is within limits', () => {
    const m = message([
      reading('errors', 'error rate', 0.002, 'ok'),
      reading('p95', 'p95 latency', 0.21, 'ok'),
      reading('p99', 'p99 latency', 0.4, 'ok'),
      reading('cpu', 'cpu', 0.3, 'ok'),
    ]);
    expect(m.text).toMatch(
      /^:stethoscope: Check-in 3\/12 at <!date\^\d+\^[^>]+> · 10% of traffic on the new version · all within limits: error rate 0\.20%, p95 latency 210 ms, p99 latency 400 ms, health check passes, 1 more · answer by <!date\^1796185800\^/,
    );
    expect(m.blocks.map((b) => b.type)).toEqual(['section', 'actions']);
  });

  it('lists only what is over threshold or without data, and counts the rest', () => {
    const m = message([
      reading('errors', 'error rate', 0.03, 'breach'),
      reading('p95', 'p95 latency', undefined, 'unknown'),
      reading('p99', 'p99 latency', 0.4, 'ok'),
    ]);
    expect(m.text).toContain('1 over threshold, 1 without data');
    const text = blockText(m);
    expect(text).toContain('*error rate*: 3.0%');
    expect(text).toContain('*p95 latency*: no data');
    expect(text).not.toContain('*p99 latency*');
    expect(text).toContain('2 other checks within limits');
  });

  it('says when the health check fails even if every metric is fine', () => {
    const m = message([reading('errors', 'error rate', 0.002, 'ok')], {
      status: 'failing',
      summary: 'HTTP 503',
    });
    expect(m.text).toContain('0 over threshold, 0 without data, health check failing');
    expect(blockText(m)).toContain('Health check: HTTP 503');
  });
});
