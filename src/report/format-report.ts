import { formatValue } from '../announce/blocks/check-in-message.js';
import { plainStateLabel } from '../announce/blocks/labels.js';
import type { DeploymentState } from '../deploy/model/lifecycle.js';
import { formatDuration } from '../plan/duration.js';

/** Shared wording of the review in Markdown and in Slack. */

/** `2026-12-06 03:00:05 EST`: sortable, to the second, in the plan's time zone. */
export function formatStamp(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName}`;
}

export const formatSpan = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '—' : formatDuration(ms);

export const formatMetric = (unit: string, value: number | null): string =>
  value === null ? '—' : formatValue(unit, value);

/** `≤ 1.0%` for a metric that breaches above its threshold, `≥ 98.0%` for one that breaches below. */
export function formatLimit(metric: {
  unit: string;
  threshold: number | null;
  comparison: 'above' | 'below' | null;
}): string {
  if (metric.threshold === null || metric.comparison === null) return '—';
  return `${metric.comparison === 'above' ? '≤' : '≥'} ${formatValue(metric.unit, metric.threshold)}`;
}

/** The bot, or a person: `<@U123>` in Slack, `@U123` in a file where mentions do not resolve. */
export function formatActor(actor: string | null, style: 'slack' | 'markdown'): string {
  if (!actor) return '—';
  if (actor === 'stagecoach') return 'Stagecoach';
  return style === 'slack' ? `<@${actor}>` : `@${actor}`;
}

export const outcomeLabel = (state: DeploymentState): string => plainStateLabel(state);

const actionLabels: Record<string, string> = {
  start: 'Started',
  step_succeeded: 'Step succeeded',
  steps_done: 'Plan steps done, first stage live',
  stage_live: 'Stage live',
  step_failed: 'Step failed',
  step_interrupted: 'Step interrupted',
  retry: 'Retried',
  mark_done: 'Marked done by hand',
  soak_ended: 'Soak ended',
  promote: 'Promoted',
  skip_soak: 'Promoted early (soak skipped)',
  soak_skipped: 'Soak skipped (flagged)',
  extend_soak: 'Soak extended',
  reached_full: 'Last stage live',
  hold: 'Held',
  resume: 'Resumed',
  abort: 'Aborted',
  rollback: 'Rollback started',
  revert_succeeded: 'Revert succeeded',
  revert_failed: 'Revert failed',
  confirm_restore: 'Database restore confirmed',
  skip_restore: 'Database restore skipped',
  restore_succeeded: 'Database restored',
  restore_failed: 'Database restore failed',
  declare_complete: 'Declared complete',
  go_no_go_proceed: 'Go decision',
  go_no_go_deadline: 'Go/no-go deadline passed',
  check_in_ok: 'Check-in answered',
  refused: 'Refused',
  lock: 'Environment locked',
  unlock: 'Environment unlocked',
};

export const actionLabel = (action: string): string => actionLabels[action] ?? action.replaceAll('_', ' ');

export const stageEndLabels = {
  promote: 'promoted',
  skip_soak: 'promoted early',
  rollback: 'rolled back',
  declare_complete: 'declared complete',
  abort: 'aborted',
  ended: 'ended',
} as const;
