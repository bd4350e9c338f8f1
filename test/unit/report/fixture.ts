import type { AuditRow } from '../../../src/infra/db/audit.js';
import type { Deployment } from '../../../src/infra/db/deployments.js';
import { loadPlan } from '../../../src/plan/load-plan.js';
import { buildTimeline } from '../../../src/report/build-timeline.js';
import { deriveStages } from '../../../src/report/derive-stages.js';
import type { ChartSeries, Report } from '../../../src/report/report.js';

export const plan = loadPlan('templates/plans/medplum-v4.yaml');
export const t0 = new Date('2026-12-06T03:00:00.000Z');
export const at = (hours: number) => new Date(t0.getTime() + hours * 3600_000);

let auditId = 0;
export function audit(
  hours: number,
  action: string,
  actor = 'stagecoach',
  detail: Record<string, unknown> = {},
  states: [string, string] | [] = [],
): AuditRow {
  auditId += 1;
  return {
    id: auditId,
    deploymentId: 7,
    actor,
    action,
    fromState: states[0] ?? null,
    toState: states[1] ?? null,
    detail,
    createdAt: at(hours),
  };
}

/** A rollout that went 10% → 50% → 100% over three days, the 50% soak skipped early. */
export const rolloutAudit: AuditRow[] = [
  audit(0, 'start', 'ULEAD', { version: 'v4.0.0' }, ['running', 'running']),
  audit(0.5, 'steps_done', 'stagecoach', { step: 'deploy_frontend', stage: 'canary' }, [
    'running',
    'soaking',
  ]),
  audit(24.5, 'soak_ended', 'stagecoach', {}, ['soaking', 'awaiting_promotion']),
  audit(25, 'promote', 'ULEAD', { toStage: 'expanded', toPercent: 50 }, ['awaiting_promotion', 'running']),
  audit(25.1, 'stage_live', 'stagecoach', { step: 'shift_to_expanded', stage: 'expanded' }, [
    'running',
    'soaking',
  ]),
  audit(30, 'hold', 'UDBA', { reason: 'checking | replication lag' }, ['soaking', 'held']),
  audit(32, 'resume', 'UDBA', {}, ['held', 'soaking']),
  audit(40, 'soak_skipped', 'ULEAD', { flagged: true, reason: 'hotfix for login outage', stage: 'expanded' }),
  audit(
    40,
    'skip_soak',
    'ULEAD',
    { reason: 'hotfix for login outage', soakSkipped: true, toStage: 'full', toPercent: 100 },
    ['soaking', 'running'],
  ),
  audit(40.2, 'reached_full', 'stagecoach', { step: 'shift_to_full', stage: 'full' }, [
    'running',
    'success_window',
  ]),
  audit(76, 'declare_complete', 'UPROJECT', {}, ['success_window', 'completed']),
];

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 7,
    environment: 'production',
    version: 'v4.0.0',
    previousVersion: 'v3.9.0',
    state: 'completed',
    stageIndex: 2,
    currentPercent: 100,
    stageStartedAt: at(40.2),
    heldFrom: null,
    startedBy: 'ULEAD',
    channelId: 'C_DEPLOY',
    rootTs: '1700000000.000100',
    backupFile: null,
    schemaChanged: true,
    dryRun: false,
    planName: plan.name,
    variables: {},
    revision: 12,
    createdAt: at(0),
    updatedAt: at(76),
    endedAt: at(76),
    ...overrides,
  };
}

const series = (metricId: string, f: (i: number) => number | null): ChartSeries => {
  const metric = plan.monitoring.metrics.find((m) => m.id === metricId);
  if (!metric) throw new Error(metricId);
  return {
    metricId,
    name: metric.name,
    unit: metric.unit,
    threshold: metric.threshold,
    comparison: metric.comparison,
    points: Array.from({ length: 80 }, (_, i) => ({ at: at(i), value: f(i) })),
  };
};

export function report(overrides: Partial<Report> = {}): Report {
  const d = overrides.deployment ?? deployment();
  const stages = deriveStages({
    stages: plan.stages,
    audit: rolloutAudit,
    now: at(24 * 7),
    timeScale: 1,
    endedAt: d.endedAt,
  });
  return {
    deployment: d,
    application: plan.application,
    timeZone: plan.timezone,
    generatedAt: at(24 * 7),
    timeScale: 1,
    totalMs: 76 * 3600_000,
    steps: [
      {
        stepId: 'build',
        name: 'Build production artifacts',
        phase: 'pre_deployment',
        position: 1,
        attempt: 1,
        status: 'failed',
        summary: 'exit 1',
        startedAt: at(0.01),
        finishedAt: at(0.05),
        durationMs: 144_000,
        timeoutMs: 1_200_000,
      },
      {
        stepId: 'build',
        name: 'Build production artifacts',
        phase: 'pre_deployment',
        position: 1,
        attempt: 2,
        status: 'succeeded',
        summary: 'ok',
        startedAt: at(0.06),
        finishedAt: at(0.1),
        durationMs: 144_000,
        timeoutMs: 1_200_000,
      },
      {
        stepId: 'shift_to_expanded',
        name: 'Shift traffic to 50% (Stage 2: Expanded)',
        phase: 'rollout',
        position: 9,
        attempt: 1,
        status: 'succeeded',
        summary: 'ok',
        startedAt: at(25),
        finishedAt: at(25.1),
        durationMs: 360_000,
        timeoutMs: 1_200_000,
      },
    ],
    stages,
    timeline: buildTimeline(rolloutAudit),
    issues: [
      {
        id: 3,
        severity: 'major',
        description: 'Search | filters slow for some clinics',
        reportedBy: 'USUPPORT',
        owner: 'UBACKEND',
        status: 'resolved',
        resolvedBy: 'UBACKEND',
        resolvedAt: at(50),
        createdAt: at(30),
      },
      {
        id: 4,
        severity: 'minor',
        description: 'Typo on the sign-in page',
        reportedBy: 'USUPPORT',
        owner: null,
        status: 'open',
        resolvedBy: null,
        resolvedAt: null,
        createdAt: at(45),
      },
    ],
    metrics: [
      {
        stageIndex: 0,
        stageName: 'Stage 1: Canary',
        percent: 10,
        metrics: [
          {
            metricId: 'api_p95_latency',
            name: 'API response time (p95)',
            unit: 's',
            threshold: 0.5,
            comparison: 'above',
            samples: 1440,
            min: 0.21,
            avg: 0.28,
            max: 0.41,
            breaches: 0,
            unknowns: 0,
          },
          {
            metricId: 'error_rate',
            name: 'Error rate (5xx share of requests)',
            unit: 'ratio',
            threshold: 0.01,
            comparison: 'above',
            samples: 1440,
            min: 0.001,
            avg: 0.002,
            max: 0.014,
            breaches: 2,
            unknowns: 1,
          },
        ],
      },
      {
        stageIndex: 1,
        stageName: 'Stage 2: Expanded',
        percent: 50,
        metrics: [
          {
            metricId: 'api_p95_latency',
            name: 'API response time (p95)',
            unit: 's',
            threshold: 0.5,
            comparison: 'above',
            samples: 900,
            min: 0.25,
            avg: 0.3,
            max: 0.45,
            breaches: 0,
            unknowns: 0,
          },
          {
            metricId: 'error_rate',
            name: 'Error rate (5xx share of requests)',
            unit: 'ratio',
            threshold: 0.01,
            comparison: 'above',
            samples: 900,
            min: 0.001,
            avg: 0.003,
            max: 0.006,
            breaches: 0,
            unknowns: 0,
          },
        ],
      },
    ],
    documentation: [
      { position: 0, item: 'API reference documentation', doneBy: 'UBACKEND', doneAt: at(80) },
      { position: 1, item: 'Release notes', doneBy: null, doneAt: null },
    ],
    chart: {
      title: 'Medplum v4.0.0 → production (#7)',
      timeZone: plan.timezone,
      series: [
        series('error_rate', (i) => (i === 30 ? null : 0.002 + (i % 7) * 0.001)),
        series('api_p95_latency', (i) => 0.2 + (i % 5) * 0.03),
      ],
      markers: stages.flatMap((stage) =>
        stage.startedAt ? [{ at: stage.startedAt, label: `${stage.percent}%`, kind: 'stage' as const }] : [],
      ),
    },
    ...overrides,
  };
}
