import type { Metric, MetricStatus, Reading } from './read-metric.js';

export interface MonitorState {
  status: MetricStatus;
  /** Readings in a row with this status. */
  consecutive: number;
  /** Readings with data so far: a breach needs the metric's minimum sample first. */
  readings: number;
  since: Date | null;
  lastValue: number | null;
  alerted: boolean;
}

export const initialState: MonitorState = {
  status: 'ok',
  consecutive: 0,
  readings: 0,
  since: null,
  lastValue: null,
  alerted: false,
};

export type MonitorEvent = 'alert_breach' | 'alert_unknown' | 'recovered' | undefined;

/**
 * One reading folded into a monitor's state. A breach alerts once, after the metric's number of
 * consecutive breaches and its minimum sample; a single spike does not. No data alerts the same
 * way, as "unknown", because it never counts as a pass.
 */
export function evaluate(
  previous: MonitorState,
  reading: Reading,
  metric: Pick<Metric, 'consecutive' | 'minSamples'>,
  now: Date,
): { next: MonitorState; event: MonitorEvent } {
  const same = previous.status === reading.status;
  const next: MonitorState = {
    status: reading.status,
    consecutive: same ? previous.consecutive + 1 : 1,
    readings: previous.readings + (reading.status === 'unknown' ? 0 : 1),
    since: same && previous.since ? previous.since : now,
    lastValue: reading.value ?? previous.lastValue,
    alerted: previous.alerted,
  };
  if (reading.status === 'ok') {
    next.alerted = false;
    return { next, event: previous.alerted ? 'recovered' : undefined };
  }
  if (previous.alerted || next.consecutive < metric.consecutive) return { next, event: undefined };
  if (reading.status === 'breach' && next.readings < metric.minSamples) return { next, event: undefined };
  next.alerted = true;
  return { next, event: reading.status === 'breach' ? 'alert_breach' : 'alert_unknown' };
}
