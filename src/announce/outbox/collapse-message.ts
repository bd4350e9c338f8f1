import type { NotificationMessage } from '../../infra/notify/notification.js';
import { section } from '../../infra/slack/block-kit.js';

export interface MissedItem {
  text: string;
  sendAfter: Date;
}

const listed = 20;
// 20 lines of at most ~130 characters keep the text inside one 3000-character Slack section.
const lineLength = 100;

/**
 * One message in place of reminders that went stale while Stagecoach could not send: after an
 * outage the channel reads one summary instead of a burst of out-of-date prompts.
 */
export function collapsedMessage(items: MissedItem[]): NotificationMessage {
  const ordered = [...items].sort((a, b) => a.sendAfter.getTime() - b.sendAfter.getTime());
  const count = ordered.length;
  const lines = ordered
    .slice(0, listed)
    .map((item) => `• ${utcMinute(item.sendAfter)}: ${firstLine(item.text)}`);
  if (count > listed) lines.push(`…and ${count - listed} more`);
  const noun = count === 1 ? 'reminder was' : 'reminders were';
  const text = `While Stagecoach could not send, ${count} ${noun} missed:\n${lines.join('\n')}`;
  return {
    text,
    blocks: [section(text)],
    subject: `Stagecoach: ${count} missed ${count === 1 ? 'reminder' : 'reminders'}`,
  };
}

function utcMinute(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]?.trim() ?? '';
  return line.length > lineLength ? `${line.slice(0, lineLength - 1)}…` : line;
}
