import { describe, expect, it } from 'vitest';
import { durationSchema, formatDuration, parseDuration, parseOffset } from '../../../src/plan/duration.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('parseDuration', () => {
  it.each([
    ['30m', 30 * minute],
    ['24h', 24 * hour],
    ['5d', 5 * day],
    ['1w', 7 * day],
    ['90s', 90_000],
    ['1h30m', 90 * minute],
    ['1h 30m', 90 * minute],
    ['0', 0],
    ['0s', 0],
    ['PT30M', 30 * minute],
    ['P5D', 5 * day],
    ['P1W', 7 * day],
    ['PT1H30M', 90 * minute],
    ['P1DT2H', 26 * hour],
    ['PT0.5S', 500],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '30', '30 minutes', 'm', '1m1h', 'P', 'PT', 'P1M', 'P1Y', '-5m', '1.5h'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('parseOffset', () => {
  it('reads the signed offsets of the schedule table', () => {
    expect(parseOffset('-5d')).toBe(-5 * day);
    expect(parseOffset('+0h')).toBe(0);
    expect(parseOffset('+24h')).toBe(24 * hour);
    expect(parseOffset('+1w')).toBe(7 * day);
    expect(parseOffset('T-2d')).toBe(-2 * day);
  });

  it('needs a sign', () => {
    expect(parseOffset('5d')).toBeUndefined();
    expect(parseOffset('+soon')).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [45_000, '45s'],
    [90 * minute, '1h 30m'],
    [24 * hour, '24h'],
    [72 * hour, '72h'],
    [5 * day, '5d'],
    [0, '0s'],
    [250, '250ms'],
    [-30 * minute, '-30m'],
  ])('prints %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('prints what parseDuration reads back', () => {
    for (const text of ['45s', '1h 30m', '24h', '5d'])
      expect(formatDuration(parseDuration(text) ?? Number.NaN)).toBe(text);
  });
});

describe('durationSchema', () => {
  it('turns a duration string into milliseconds', () => {
    expect(durationSchema.parse('PT30M')).toBe(30 * minute);
  });

  it('explains what a duration looks like', () => {
    for (const input of ['soon', 30]) {
      const result = durationSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('expected a duration like 30m, 24h, 5d or PT30M');
    }
  });
});
