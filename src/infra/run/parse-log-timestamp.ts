/**
 * An ISO-8601-like timestamp near the start of a log line: `2026-11-26T04:30:00.123Z ERROR`,
 * `[2026-11-26 04:30:00] ...`, or a JSON line's `"timestamp":"2026-11-26T04:30:00Z"`.
 */
const TIMESTAMP =
  /\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d+))?\s?(Z|[+-]\d{2}(?::?\d{2})?)?(?![\d:])/;
/** Far enough for a level or a JSON key before the time, near enough to skip message text. */
const SEARCH_CHARS = 80;

/** Milliseconds since the epoch, or undefined when the line carries no timestamp. */
export function parseLogTimestamp(line: string): number | undefined {
  const match = TIMESTAMP.exec(line.slice(0, SEARCH_CHARS));
  if (!match) return undefined;
  const [, date, time, fraction, zone] = match;
  const millis = fraction ? `.${fraction.padEnd(3, '0').slice(0, 3)}` : '';
  // Without a zone the time is local: the log is written on the machine that reads it.
  const parsed = Date.parse(`${date}T${time}${millis}${zone ? normalizeZone(zone) : ''}`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function normalizeZone(zone: string): string {
  if (zone === 'Z') return zone;
  const digits = zone.slice(1).replace(':', '');
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}
