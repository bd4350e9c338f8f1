import { actionIds } from '../../deploy/model/action-ids.js';
import {
  type AlertMember,
  breachesInTrouble,
  inTrouble,
  isAllBack,
  latestPerKey,
} from '../../deploy/model/alert-group.js';
import {
  actions,
  type Block,
  type ButtonSpec,
  clip,
  context,
  type Message,
  section,
} from '../../infra/slack/block-kit.js';
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

/** Past this many lines the rest is counted, not listed: a message has at most 50 blocks. */
const maxLines = 20;

/**
 * One alert for everything in trouble together: each monitor with its value, threshold and since
 * when (or Alertmanager's alert), what came back marked so, and what to do. Edited in place as the
 * group changes; once everything is back it says so.
 */
export function alertGroupMessage(input: {
  members: readonly AlertMember[];
  timeZone: string;
  promptId: number;
  autoRollbackAt?: Date | undefined;
}): Message {
  const shown = latestPerKey(input.members);
  const lines = shown.map((member) => memberLine(member, input.timeZone));
  const heading = shown.length > 1 ? headingLine(shown) : undefined;
  // Pending only while a monitor is still beyond its threshold: what came back does not roll back.
  const autoAt = breachesInTrouble(shown).length > 0 ? input.autoRollbackAt : undefined;
  const auto = autoAt
    ? `Auto-rollback at ${slackTime(autoAt, input.timeZone)} unless someone presses Hold.`
    : undefined;
  const listed = lines.slice(0, maxLines);
  const more = lines.length - listed.length;
  const blocks: Block[] = [
    ...(heading ? [section(heading)] : []),
    ...listed.map((line) => section(line)),
    ...(more > 0 ? [context(`…and ${more} more.`)] : []),
    ...(auto ? [context(auto)] : []),
    actions(`prompt-${input.promptId}`, alertButtons(input.promptId, autoAt !== undefined)),
  ];
  const text = [...(heading ? [heading] : []), ...lines].join('\n').replaceAll('*', '');
  return { text: clip(text, 3000), blocks };
}

function headingLine(members: readonly AlertMember[]): string {
  if (isAllBack(members))
    return ':large_green_circle: *All clear:* everything in this alert is back to normal.';
  const troubled = inTrouble(members).length;
  const back = members.length - troubled;
  const noun = members.every((m) => m.source === 'monitor') ? 'monitor' : 'alert';
  return `:rotating_light: *${troubled} ${noun}${troubled === 1 ? '' : 's'} in trouble*${back > 0 ? ` · ${back} back to normal` : ''}`;
}

function memberLine(member: AlertMember, timeZone: string): string {
  const at = (iso: string) => slackTime(new Date(iso), timeZone);
  if (member.source === 'alertmanager') {
    const name = escaped(member.alertname);
    if (member.settledAt)
      return `:large_green_circle: Alertmanager: *${name}* resolved at ${at(member.settledAt)}.`;
    const summary = member.summary ? `: ${escaped(member.summary)}` : '';
    const url = member.generatorUrl?.replace(/[|>]/g, encodeURIComponent);
    const source = url ? ` <${url}|Open the alert's source>` : '';
    return `:rotating_light: Alertmanager: *${name}* is firing on ${escaped(member.environment)}${summary}${source}`;
  }
  if (member.settledAt) {
    const value =
      member.settledValue === undefined ? '' : ` (${formatValue(member.unit, member.settledValue)})`;
    return `:large_green_circle: *${member.name}* is back within its threshold${value} since ${at(member.settledAt)}.`;
  }
  if (member.kind === 'unknown')
    return `:rotating_light: *${member.name}* has no data since ${at(member.since)} (${member.detail ?? 'no samples'}). Unknown is not a pass: check the monitoring before going further.`;
  const limit = `${member.comparison === 'above' ? 'at most' : 'at least'} ${formatValue(member.unit, member.threshold)}`;
  return `:rotating_light: *${member.name}* is ${formatValue(member.unit, member.value ?? Number.NaN)}, beyond its threshold (${limit}), since ${at(member.since)} (${member.consecutive} readings in a row).`;
}

/** Text from outside (Alertmanager's labels and annotations) shown as written: no `<!channel>`, no links. */
const escaped = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
