import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** The operator's numbers, in Prometheus format at /metrics. */
export function createMetrics(db?: pg.Pool) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'stagecoach_process_' });
  const requests = new Counter({
    name: 'stagecoach_slack_requests_total',
    help: 'Slack requests by command or action',
    labelNames: ['kind', 'name'],
    registers: [registry],
  });
  const ackLatency = new Histogram({
    name: 'stagecoach_ack_latency_seconds',
    help: 'Time from a Slack request reaching a listener to its ack',
    labelNames: ['kind', 'name'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const jobs = new Counter({
    name: 'stagecoach_jobs_total',
    help: 'BullMQ jobs by queue and outcome',
    labelNames: ['queue', 'outcome'],
    registers: [registry],
  });
  const timerLateness = new Histogram({
    name: 'stagecoach_timer_lateness_seconds',
    help: 'How late a timer fired compared with its due time',
    labelNames: ['kind'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const slackErrors = new Counter({
    name: 'stagecoach_slack_api_errors_total',
    help: 'Slack Web API errors by method and kind (rate_limited, http, platform)',
    labelNames: ['method', 'kind'],
    registers: [registry],
  });
  if (db) {
    new Gauge({
      name: 'stagecoach_deployments',
      help: 'Deployments by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const rows = (
          await db.query<{ state: string; n: number }>(
            'SELECT state, count(*)::int AS n FROM deployments GROUP BY state',
          )
        ).rows;
        this.reset();
        for (const row of rows) this.set({ state: row.state }, row.n);
      },
    });
  }
  return { registry, requests, ackLatency, jobs, timerLateness, slackErrors };
}

export type Metrics = ReturnType<typeof createMetrics>;
