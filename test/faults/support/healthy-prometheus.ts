import { loadPlan } from '../../../src/plan/load-plan.js';
import { startFakePrometheus } from '../../support/fake-prometheus.js';
import { healthyValue } from '../../support/harness.js';

/** A Prometheus stand-in answering every metric of the shipped plan with a healthy value, so success criteria can be met. */
export async function startHealthyPrometheus() {
  const prometheus = await startFakePrometheus();
  for (const metric of loadPlan('templates/plans/medplum-v4.yaml').monitoring.metrics) {
    if (metric.query) prometheus.set(metric.query, healthyValue(metric));
  }
  return prometheus;
}
