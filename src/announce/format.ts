import { formatDuration } from '../plan/duration.js';

/** A time of day in the plan's time zone, e.g. "04:31 EST". */
export function formatTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(date);
}

export function formatDateTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).format(date);
}

/**
 * A time for Slack: a date token each reader sees in their own zone, with the day ("Today at
 * 04:31", "Dec 3 at 16:00"); the fallback (notifications, old clients) is the plan's zone.
 */
export function slackTime(date: Date, timeZone: string): string {
  const unix = Math.floor(date.getTime() / 1000);
  return `<!date^${unix}^{date_short_pretty} at {time}|${formatDateTime(date, timeZone)}>`;
}

export function formatElapsed(from: Date | null, to: Date | null): string {
  if (!from || !to) return '';
  const ms = Math.max(0, to.getTime() - from.getTime());
  return ms < 1000 ? `${ms} ms` : formatDuration(Math.round(ms / 1000) * 1000);
}

export const mention = (userId: string) => `<@${userId}>`;

/** Numbers as runs, "1–4, 6, 9–12": how many check-ins one message stands for, at a glance. */
export function numberRuns(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    runs.push(i === j ? `${sorted[i]}` : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}
