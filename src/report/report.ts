import type { Deployment } from '../infra/db/deployments.js';
import type { StepStatus } from '../infra/db/step-runs.js';

/** The post-deployment review (runbook 8, T+1w): everything read from Postgres, nothing formatted yet. */
export interface Report {
  deployment: Deployment;
  application: string;
  timeZone: string;
  generatedAt: Date;
  /** TIME_SCALE the deployment ran with: planned delays were divided by it. 1 in production. */
  timeScale: number;
  /** From start to end, or to `generatedAt` while the deployment is still going. */
  totalMs: number;
  steps: ReportStep[];
  stages: ReportStage[];
  timeline: TimelineEntry[];
  issues: ReportIssue[];
  metrics: StageMetrics[];
  documentation: DocumentationItem[];
  chart: ChartData;
}

/** One attempt of one step (plan step, traffic shift or rollback step). */
export interface ReportStep {
  stepId: string;
  name: string;
  phase: string;
  position: number;
  attempt: number;
  status: StepStatus;
  summary: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  /** The plan's timeout for the step, when the plan names one. */
  timeoutMs: number | null;
}

export type StageEnd = 'promote' | 'skip_soak' | 'rollback' | 'declare_complete' | 'abort' | 'ended';

/** A plan stage and what happened while traffic sat at its percentage. */
export interface ReportStage {
  index: number;
  id: string;
  name: string;
  /** The stage's share of traffic; null when the plan has no traffic control (nothing set one). */
  percent: number | null;
  /** The plan's minimum soak. */
  minSoakMs: number;
  /** The minimum soak in wall-clock time (minSoakMs / timeScale). */
  expectedSoakMs: number;
  reached: boolean;
  startedAt: Date | null;
  /** When the soak stopped: promoted, skipped, rolled back, or declared complete. */
  soakEndedAt: Date | null;
  /** Soak actually spent, up to `generatedAt` while it goes on. */
  soakMs: number | null;
  ongoing: boolean;
  endedBy: StageEnd | null;
  /** Who ended the soak (a Slack user id or 'stagecoach'). */
  endedByActor: string | null;
  soakSkipped: boolean;
  skipReason: string | null;
  extensions: number;
  heldMs: number;
}

export interface TimelineEntry {
  at: Date;
  /** A Slack user id, or 'stagecoach' for the bot. */
  actor: string;
  action: string;
  from: string | null;
  to: string | null;
  detail: string;
}

export interface ReportIssue {
  id: number;
  severity: 'critical' | 'major' | 'minor';
  description: string;
  reportedBy: string;
  owner: string | null;
  status: 'open' | 'resolved';
  resolvedBy: string | null;
  resolvedAt: Date | null;
  /** How it was resolved, from the [Resolved] modal; absent for older rows and `/deploy resolve`. */
  resolution?: string | null;
  createdAt: Date;
}

export interface MetricSummary {
  metricId: string;
  name: string;
  unit: string;
  threshold: number | null;
  comparison: 'above' | 'below' | null;
  samples: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  breaches: number;
  unknowns: number;
}

/** The readings taken while traffic was at one stage; `stageIndex` null is before the first stage. */
export interface StageMetrics {
  stageIndex: number | null;
  stageName: string;
  /** Null when the plan has no traffic control. */
  percent: number | null;
  metrics: MetricSummary[];
}

export interface DocumentationItem {
  position: number;
  item: string;
  doneBy: string | null;
  doneAt: Date | null;
}

export interface ChartPoint {
  at: Date;
  /** null for a reading without data: the line breaks there. */
  value: number | null;
}

export interface ChartSeries {
  metricId: string;
  name: string;
  unit: string;
  threshold: number | null;
  comparison: 'above' | 'below' | null;
  points: ChartPoint[];
}

export interface ChartMarker {
  at: Date;
  label: string;
  kind: 'stage' | 'rollback';
}

export interface ChartData {
  title: string;
  timeZone: string;
  series: ChartSeries[];
  markers: ChartMarker[];
}
