import { describe, expect, it } from 'vitest';
import { createOutputTail } from '../../../../src/infra/run/output-tail.js';

describe('createOutputTail', () => {
  it('keeps everything while output is short', () => {
    const tail = createOutputTail();
    tail.push('first');
    tail.push('second');
    expect(tail.text()).toBe('first\nsecond');
  });

  it('keeps the last 40 lines by default and says how many were dropped', () => {
    const tail = createOutputTail();
    for (let i = 1; i <= 100; i += 1) tail.push(`line ${i}`);
    const lines = tail.text().split('\n');
    expect(lines).toHaveLength(41);
    expect(lines[0]).toBe('… 60 earlier lines omitted');
    expect(lines[1]).toBe('line 61');
    expect(lines.at(-1)).toBe('line 100');
  });

  it('stays under about 4000 characters however wide the lines are', () => {
    const tail = createOutputTail();
    for (let i = 0; i < 30; i += 1) tail.push(`${i} ${'x'.repeat(500)}`);
    const text = tail.text();
    expect(text.length).toBeLessThanOrEqual(4100);
    expect(text.endsWith(`29 ${'x'.repeat(500)}`)).toBe(true);
  });

  it('clips one enormous line instead of letting it evict everything else', () => {
    const tail = createOutputTail({ maxLineChars: 100 });
    tail.push('error: build failed');
    tail.push('y'.repeat(100_000));
    const [first, second] = tail.text().split('\n');
    expect(first).toBe('error: build failed');
    expect(second).toHaveLength(100);
    expect(second?.endsWith('…')).toBe(true);
  });
});
