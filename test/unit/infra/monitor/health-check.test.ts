import { describe, expect, it } from 'vitest';
import { snapshotFields } from '../../../../src/announce/blocks/check-in-message.js';
import { planHealthCheck, resolveHealthCheck } from '../../../../src/infra/monitor/health-check.js';
import type { Snapshot } from '../../../../src/infra/monitor/snapshot.js';
import { loadPlan } from '../../../../src/plan/load-plan.js';

const plan = loadPlan('templates/plans/medplum-v4.yaml');

describe("the plan's health check", () => {
  it('is the http_check step of the verification phase: its URL, status and body', () => {
    expect(planHealthCheck(plan)).toEqual({
      url: '{{healthcheckUrl}}',
      expectStatus: 200,
      expectBodyContains: 'status',
      from: 'health_check',
    });
  });

  it('without an http_check step: GET HEALTHCHECK_URL, 200, any body', () => {
    const steps = plan.steps.filter((step) => step.run.kind !== 'http_check');
    expect(planHealthCheck({ steps })).toEqual({
      url: '{{healthcheckUrl}}',
      expectStatus: 200,
      from: 'default',
    });
  });

  it('says what is missing when its URL cannot be filled in', () => {
    const check = planHealthCheck(plan);
    expect(resolveHealthCheck(check, {}).problem).toBe('HEALTHCHECK_URL is not set');
    expect(resolveHealthCheck(check, { healthcheckUrl: 'http://app/health' }).resolvedUrl).toBe(
      'http://app/health',
    );
  });
});

describe('a check-in shows health once', () => {
  const reading = {
    id: 'health_check',
    name: 'Health check',
    unit: 'up',
    threshold: 1,
    comparison: 'below' as const,
  };

  it('on the line of the monitor that probes it, with the reason when it fails', () => {
    const snapshot: Snapshot = {
      takenAt: new Date(),
      metrics: [{ ...reading, value: 0, status: 'breach', detail: 'HTTP 503 (expected 200)' }],
      health: { status: 'failing', summary: 'HTTP 503 (expected 200)', metricId: 'health_check' },
    };
    expect(snapshotFields(snapshot)).toEqual([
      ':red_circle: *Health check*: down (≥ up): HTTP 503 (expected 200)',
    ]);
  });

  it('on a line of its own when no monitor probes it', () => {
    const snapshot: Snapshot = {
      takenAt: new Date(),
      metrics: [],
      health: { status: 'ok', summary: 'HTTP 200' },
    };
    expect(snapshotFields(snapshot)).toEqual([':large_green_circle: Health check passes']);
  });
});
