import { AppError } from '../errors.js';

const withZone = /(Z|[+-]\d{2}:?\d{2})$/i;
const isoLocal = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The UTC offset of `timeZone` at `date`, in minutes. */
function offsetMinutes(date: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return Math.round((asUtc - date.getTime()) / 60_000);
}

/**
 * An ISO-8601 start; without an offset it is read in the plan's time zone, the one the
 * maintenance notice quotes.
 */
export function parseWindowStart(text: string, timeZone: string): Date {
  const example = '`2026-12-05T22:00-05:00`, or `2026-12-05T22:00` in the plan time zone';
  if (withZone.test(text)) {
    const date = new Date(text);
    if (Number.isNaN(date.getTime()))
      throw new AppError('bad_input', `\`${text}\` is not an ISO-8601 date and time. Use ${example}.`);
    return date;
  }
  if (!isoLocal.test(text))
    throw new AppError(
      'bad_input',
      `\`${text.slice(0, 40)}\` is not an ISO-8601 date and time. Use ${example}.`,
    );
  const asUtc = new Date(`${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(asUtc.getTime()))
    throw new AppError('bad_input', `\`${text}\` is not a valid date. Use ${example}.`);
  // Two passes settle the offset across a daylight-saving change.
  let guess = new Date(asUtc.getTime() - offsetMinutes(asUtc, timeZone) * 60_000);
  guess = new Date(asUtc.getTime() - offsetMinutes(guess, timeZone) * 60_000);
  return guess;
}

/** Whether the window starts in the plan's off-peak hours (weekend days, or evening to morning). */
export function isOffPeak(
  start: Date,
  timeZone: string,
  offPeak: { weekdays: number[]; eveningStart: string; morningEnd: string },
): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(start)
      .map((part) => [part.type, part.value]),
  );
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(String(parts.weekday));
  if (offPeak.weekdays.includes(weekday)) return true;
  const minutes = Number(parts.hour) * 60 + Number(parts.minute);
  const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return minutes >= toMinutes(offPeak.eveningStart) || minutes < toMinutes(offPeak.morningEnd);
}
