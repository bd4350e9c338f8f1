import { actionIds } from '../../deploy/model/action-ids.js';
import type { MetricReading, Snapshot } from '../../infra/monitor/snapshot.js';
import {
  actions,
  type ButtonSpec,
  context,
  fields,
  type Message,
  section,
} from '../../infra/slack/block-kit.js';
import { rollbackButton } from '../buttons.js';
import { slackTime } from '../format.js';
import type { TrafficMode } from './labels.js';

const statusIcon = {
  ok: ':large_green_circle:',
  breach: ':red_circle:',
  unknown: ':grey_question:',
} as const;

export function formatValue(unit: string, value: number): string {
  if (unit === 'up') return value >= 1 ? 'up' : 'down';
  if (unit === 'ratio') return `${(value * 100).toFixed(value < 0.01 ? 2 : 1)}%`;
  if (unit === 's') return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
  return `${Number(value.toPrecision(4))} ${unit}`;
}

export function readingLine(reading: MetricReading): string {
  const limit = `${reading.comparison === 'above' ? '≤' : '≥'} ${formatValue(reading.unit, reading.threshold)}`;
  const value =
    reading.value === undefined
      ? `no data (${reading.detail ?? 'unknown'})`
      : formatValue(reading.unit, reading.value);
  // A failing reading that knows why (the health check: "HTTP 503 (expected 200)") says so.
  const why =
    reading.value !== undefined && reading.status !== 'ok' && reading.detail ? `: ${reading.detail}` : '';
  return `${statusIcon[reading.status]} *${reading.name}*: ${value} (${limit})${why}`;
}

/**
 * One line per monitor, and the plan's health check once: on the line of the monitor that probes
 * it when there is one, else on a line of its own.
 */
export function snapshotFields(snapshot: Snapshot): string[] {
  const lines = snapshot.metrics.map(readingLine);
  const covered =
    snapshot.health.metricId !== undefined && snapshot.metrics.some((m) => m.id === snapshot.health.metricId);
  if (covered) return lines;
  const health =
    snapshot.health.status === 'ok'
      ? ':large_green_circle: Health check passes'
      : `${snapshot.health.status === 'failing' ? ':red_circle:' : ':grey_question:'} Health check: ${snapshot.health.summary}`;
  return [...lines, health];
}

export function checkInButtons(promptId: number): ButtonSpec[] {
  const value = String(promptId);
  return [
    { actionId: actionIds.checkInOk, text: 'All good', value, style: 'primary' },
    { actionId: actionIds.reportIssue, text: 'Report issue', value },
    rollbackButton(value),
  ];
}

/** A 30-minute check-in: the figures, what was missed, and the three answers a team gives. */
export function checkInMessage(input: {
  number: number;
  total: number;
  snapshot: Snapshot;
  percent: number;
  /** Under `traffic: none` no percentage is claimed. */
  traffic?: TrafficMode;
  missed: number[];
  timeZone: string;
  promptId: number;
}): Message {
  const { snapshot } = input;
  const breaches = snapshot.metrics.filter((m) => m.status === 'breach').length;
  const unknown = snapshot.metrics.filter((m) => m.status === 'unknown').length;
  const headline = `:stethoscope: *Check-in ${input.number}/${input.total}* at ${slackTime(snapshot.takenAt, input.timeZone)} · ${input.traffic === 'none' ? 'no traffic control: all users on the new version' : `${input.percent}% of traffic on the new version`} · ${breaches} over threshold, ${unknown} without data`;
  const missedNote =
    input.missed.length > 0 ? `:warning: Check-in ${input.missed.join(', ')} went unanswered.` : undefined;
  return {
    text: headline.replaceAll('*', ''),
    blocks: [
      section(headline),
      fields(snapshotFields(snapshot).slice(0, 10)),
      ...(snapshotFields(snapshot).length > 10
        ? [section(snapshotFields(snapshot).slice(10).join('\n'))]
        : []),
      ...(missedNote ? [context(missedNote)] : []),
      actions(`prompt-${input.promptId}`, checkInButtons(input.promptId)),
    ],
  };
}

/** The daily or weekly review: a digest of the figures and what happened since the last one. */
export function reviewMessage(input: {
  kind: 'daily' | 'weekly';
  number: number;
  total: number;
  snapshot: Snapshot;
  summary: string[];
  timeZone: string;
}): Message {
  const title = `:bar_chart: *${input.kind === 'daily' ? 'Daily' : 'Weekly'} review ${input.number}/${input.total}* · ${slackTime(input.snapshot.takenAt, input.timeZone)}`;
  return {
    text: title.replaceAll('*', ''),
    blocks: [
      section(title),
      section(snapshotFields(input.snapshot).join('\n')),
      ...(input.summary.length > 0 ? [section(input.summary.join('\n'))] : []),
    ],
  };
}
