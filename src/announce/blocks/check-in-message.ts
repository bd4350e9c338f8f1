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
import { numberRuns, slackTime } from '../format.js';
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

/** Every monitor answered within its threshold and the health check passes. */
export function allWithinLimits(snapshot: Snapshot): boolean {
  return snapshot.metrics.every((m) => m.status === 'ok') && snapshot.health.status === 'ok';
}

export function checkInButtons(promptId: number): ButtonSpec[] {
  const value = String(promptId);
  return [
    { actionId: actionIds.checkInOk, text: 'All good', value, style: 'primary' },
    { actionId: actionIds.reportIssue, text: 'Report issue', value },
    rollbackButton(value),
  ];
}

/**
 * A 30-minute check-in. All within limits: one line with the figures that matter most and the
 * time to answer by. Otherwise the headline counts, then only what is over threshold or without
 * data. Then what was missed, and the three answers a team gives.
 */
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
  /** When it counts as unanswered (the next check-in, at people's pace). */
  answerBy?: Date;
  /**
   * Every check-in this message stands for, this one included: consecutive check-ins with all
   * within limits share one message, edited as each comes due, instead of a line each.
   */
  shown?: number[];
}): Message {
  const { snapshot } = input;
  const breaches = snapshot.metrics.filter((m) => m.status === 'breach').length;
  const unknown = snapshot.metrics.filter((m) => m.status === 'unknown').length;
  const healthOk = snapshot.health.status === 'ok';
  const traffic =
    input.traffic === 'none'
      ? 'no traffic control: all users on the new version'
      : `${input.percent}% of traffic on the new version`;
  const answerBy = input.answerBy ? ` · answer by ${slackTime(input.answerBy, input.timeZone)}` : '';
  const shown = input.shown && input.shown.length > 1 ? input.shown : undefined;
  const title = shown
    ? `Check-ins ${numberRuns(shown)}/${input.total}`
    : `Check-in ${input.number}/${input.total}`;
  const start = `:stethoscope: *${title}* at ${slackTime(snapshot.takenAt, input.timeZone)} · ${traffic}`;
  const allGood = allWithinLimits(snapshot);
  const headline = allGood
    ? `${start} · all within limits: ${keyFigures(snapshot)}${answerBy}`
    : `${start} · ${breaches} over threshold, ${unknown} without data${healthOk ? '' : ', health check failing'}${answerBy}`;
  const missedNote =
    input.missed.length > 0
      ? `:warning: Check-in${input.missed.length === 1 ? '' : 's'} ${numberRuns(input.missed)} went unanswered.`
      : undefined;
  const details = allGood ? [] : snapshotFields(snapshot).filter((line) => !line.startsWith(statusIcon.ok));
  const fine = snapshotFields(snapshot).length - details.length;
  return {
    text: headline.replaceAll('*', ''),
    blocks: [
      section(headline),
      ...(details.length > 0 ? [fields(details.slice(0, 10))] : []),
      ...(details.length > 10 ? [section(details.slice(10).join('\n'))] : []),
      ...(!allGood && fine > 0 ? [context(`${fine} other check${fine === 1 ? '' : 's'} within limits`)] : []),
      ...(missedNote ? [context(missedNote)] : []),
      actions(`prompt-${input.promptId}`, checkInButtons(input.promptId)),
    ],
  };
}

/** The first three readings, "error rate 0.2%, p95 latency 210 ms, …": what a person glances at. */
function keyFigures(snapshot: Snapshot): string {
  const shown = snapshot.metrics
    .filter((m) => m.value !== undefined)
    .slice(0, 3)
    .map((m) => `${m.name} ${formatValue(m.unit, m.value as number)}`);
  const more = snapshot.metrics.length - shown.length;
  const health = snapshot.health.metricId === undefined ? ['health check passes'] : [];
  return [...shown, ...health, ...(more > 0 ? [`${more} more`] : [])].join(', ');
}

/** The daily or weekly review: a digest of the figures and what happened since the last one. */
export function reviewMessage(input: {
  kind: 'daily' | 'weekly';
  number: number;
  total: number;
  snapshot: Snapshot;
  summary: string[];
  timeZone: string;
  /** Every review this message stands for (quiet ones in a row share a message). */
  shown?: number[];
}): Message {
  const kind = input.kind === 'daily' ? 'Daily' : 'Weekly';
  const numbers =
    input.shown && input.shown.length > 1
      ? `reviews ${numberRuns(input.shown)}/${input.total}`
      : `review ${input.number}/${input.total}`;
  const title = `:bar_chart: *${kind} ${numbers}* · ${slackTime(input.snapshot.takenAt, input.timeZone)}`;
  return {
    text: title.replaceAll('*', ''),
    blocks: [
      section(title),
      section(snapshotFields(input.snapshot).join('\n')),
      ...(input.summary.length > 0 ? [section(input.summary.join('\n'))] : []),
    ],
  };
}
