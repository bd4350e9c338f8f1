import { z } from 'zod';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const compactUnits = { w: WEEK, d: DAY, h: HOUR, m: MINUTE, s: SECOND } as const;

// Largest unit first, each at most once, optional spaces between parts so `1h 30m` (what
// formatDuration prints) reads back in.
const compactPattern = /^(?:(\d+)w)? *(?:(\d+)d)? *(?:(\d+)h)? *(?:(\d+)m)? *(?:(\d+)s)?$/;

// Years and months are left out on purpose: their length in milliseconds depends on the calendar.
const isoPattern = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function sum(parts: (string | undefined)[], units: number[]): number | undefined {
  if (parts.every((part) => part === undefined)) return undefined;
  const ms = parts.reduce(
    (total, part, i) => total + (part === undefined ? 0 : Number(part) * (units[i] ?? 0)),
    0,
  );
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}

/** `30m`, `24h`, `5d`, `1w`, `90s`, `1h30m`, `0`, or ISO-8601 `PT30M`, `P5D`, `P1W`, `PT1H30M` → milliseconds. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const iso = isoPattern.exec(trimmed.toUpperCase());
  // A bare `PT` matches the pattern with no parts; sum() rejects it.
  if (iso) return sum(iso.slice(1), [WEEK, DAY, HOUR, MINUTE, SECOND]);
  const compact = compactPattern.exec(trimmed);
  if (compact && trimmed !== '') return sum(compact.slice(1), Object.values(compactUnits));
  return undefined;
}

/**
 * A signed offset from a moment, as the schedule writes it: `-5d`, `+0h`, `+24h`, `+1w`
 * (a leading `T`, as in the runbook's `T-5d`, is allowed).
 */
export function parseOffset(text: string): number | undefined {
  const [, sign, rest = ''] = /^T?([+-])(.+)$/.exec(text.trim()) ?? [];
  const ms = parseDuration(rest);
  if (sign === undefined || ms === undefined) return undefined;
  return sign === '-' ? -ms : ms;
}

/**
 * For people: `45s`, `1h 30m`, `24h`, `5d`. Counts in hours up to three days because the
 * runbook does (24h, 48h, 72h soaks), in days beyond.
 */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms > 0 && ms < SECOND) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / SECOND) * SECOND;
  const units: [string, number][] = [
    ['h', HOUR],
    ['m', MINUTE],
    ['s', SECOND],
  ];
  if (rest >= 4 * DAY) units.unshift(['d', DAY]);
  const parts: string[] = [];
  for (const [label, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${label}`);
    rest -= count * size;
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

export const durationMessage = 'expected a duration like 30m, 24h, 5d or PT30M';

/** A duration string in the plan, parsed to milliseconds. */
export const durationSchema = z.string({ error: durationMessage }).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: durationMessage,
      input: text,
      params: { fix: `replace '${text}' with a number and a unit (s, m, h, d, w), e.g. '30m' or '1h30m'` },
    });
    return z.NEVER;
  }
  return ms;
});
