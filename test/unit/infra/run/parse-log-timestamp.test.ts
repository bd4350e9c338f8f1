import { describe, expect, it } from 'vitest';
import { parseLogTimestamp } from '../../../../src/infra/run/parse-log-timestamp.js';

const at = (iso: string) => Date.parse(iso);

describe('parseLogTimestamp', () => {
  it.each([
    ['2026-11-26T04:30:00.123Z ERROR boom', at('2026-11-26T04:30:00.123Z')],
    ['2026-11-26T04:30:00Z INFO ok', at('2026-11-26T04:30:00Z')],
    ['2026-11-26T05:30:00+01:00 WARN', at('2026-11-26T04:30:00Z')],
    ['2026-11-26 05:30:00,5 +0100 WARN', at('2026-11-26T04:30:00.500Z')],
    ['2026-11-26T04:30:00.123456Z microseconds', at('2026-11-26T04:30:00.123Z')],
    ['{"level":"ERROR","timestamp":"2026-11-26T04:30:00.000Z","msg":"x"}', at('2026-11-26T04:30:00Z')],
  ])('reads %s', (line, expected) => {
    expect(parseLogTimestamp(line)).toBe(expected);
  });

  it('reads a time without a zone as local time, as the log is written on this machine', () => {
    expect(parseLogTimestamp('[2026-11-26 04:30:00] ERROR x')).toBe(
      new Date(2026, 10, 26, 4, 30, 0).getTime(),
    );
  });

  it.each([
    '    at handler (/srv/app/index.js:10:5)',
    'ERROR something failed',
    `${'x'.repeat(100)} 2026-11-26T04:30:00Z far into the message`,
    '2026-13-45T99:99:99Z not a date',
  ])('finds no timestamp in %s', (line) => {
    expect(parseLogTimestamp(line)).toBeUndefined();
  });
});
