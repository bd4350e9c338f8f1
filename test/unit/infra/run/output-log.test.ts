import { describe, expect, it } from 'vitest';
import { createOutputLog } from '../../../../src/infra/run/output-log.js';

describe('the whole output of a step', () => {
  it('keeps every line, long ones whole, while it fits', () => {
    const log = createOutputLog({ maxBytes: 10_000 });
    const minified = 'x'.repeat(5_000);
    for (const line of ['one', minified, 'three']) log.push(line);
    expect(log.text()).toBe(`one\n${minified}\nthree`);
  });

  it('past its limit keeps the beginning and the end, and says how much was cut', () => {
    const log = createOutputLog({ maxBytes: 100 });
    for (let i = 1; i <= 1_000; i++) log.push(`line ${i}`);
    const text = log.text();
    expect(text.startsWith('line 1\nline 2\n')).toBe(true);
    expect(text).toMatch(
      /… output cut at 100 bytes: \d+ more lines \(\d+ KB\) followed; only the last of them are kept below …/,
    );
    expect(text.endsWith('line 999\nline 1000')).toBe(true);
    expect(text.length).toBeLessThan(5_000);
  });

  it('stays bounded whatever a command prints', () => {
    const log = createOutputLog({ maxBytes: 64 * 1024 });
    const chunk = 'y'.repeat(10_000);
    for (let i = 0; i < 5_000; i++) log.push(chunk);
    expect(log.text().length).toBeLessThan(64 * 1024 + 80 * 1024);
  });
});
