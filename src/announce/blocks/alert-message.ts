import { actionIds } from '../../deploy/model/action-ids.js';
import type { Metric, Reading } from '../../infra/monitor/read-metric.js';
import { actions, type ButtonSpec, context, type Message, section } from '../../infra/slack/block-kit.js';
import { rollbackButton } from '../buttons.js';
import { slackTime } from '../format.js';
import { formatValue } from './check-in-message.js';

export function alertButtons(promptId: number, withHold: boolean): ButtonSpec[] {
  const value = String(promptId);
  return [
    rollbackButton(value),
    { actionId: actionIds.acknowledgeAlert, text: 'Acknowledge', value },
    ...(withHold
      ? [
          {
            actionId: actionIds.holdAutoRollback,
            text: 'Hold (no auto-rollback)',
            value,
            style: 'primary' as const,
          },
        ]
      : []),
  ];
}

/** A sustained breach (or a metric without data): value, threshold, since when, and what to do. */
export function alertMessage(input: {
  metric: Metric;
  reading: Reading;
  since: Date;
  kind: 'alert_breach' | 'alert_unknown';
  timeZone: string;
  promptId: number;
  autoRollbackAt?: Date | undefined;
}): Message {
  const { metric, reading } = input;
  const limit = `${metric.comparison === 'above' ? 'at most' : 'at least'} ${formatValue(metric.unit, metric.threshold)}`;
  const since = slackTime(input.since, input.timeZone);
  const text =
    input.kind === 'alert_breach'
      ? `:rotating_light: *${metric.name}* is ${formatValue(metric.unit, reading.value ?? Number.NaN)}, beyond its threshold (${limit}), since ${since} (${metric.consecutive} readings in a row).`
      : `:rotating_light: *${metric.name}* has no data since ${since} (${reading.detail ?? 'no samples'}). Unknown is not a pass: check the monitoring before going further.`;
  const auto = input.autoRollbackAt
    ? `Auto-rollback at ${slackTime(input.autoRollbackAt, input.timeZone)} unless someone presses Hold.`
    : undefined;
  return {
    text: text.replaceAll('*', ''),
    blocks: [
      section(text),
      ...(auto ? [context(auto)] : []),
      actions(`prompt-${input.promptId}`, alertButtons(input.promptId, Boolean(input.autoRollbackAt))),
    ],
  };
}
