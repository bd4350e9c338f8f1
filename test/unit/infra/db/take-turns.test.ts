import { describe, expect, it } from 'vitest';
import { createTakeTurns } from '../../../../src/infra/db/take-turns.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('taking turns on a deployment', () => {
  it("one deployment's work runs one at a time, in the order it asked; another deployment's does not wait", async () => {
    const takeTurn = createTakeTurns();
    const log: string[] = [];
    const job = (key: number, name: string, ms: number) =>
      takeTurn(key, async () => {
        log.push(`${name} start`);
        await sleep(ms);
        log.push(`${name} end`);
        return name;
      });
    const results = await Promise.all([job(1, 'a1', 30), job(1, 'a2', 5), job(2, 'b1', 5), job(1, 'a3', 1)]);
    expect(results).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(log.filter((line) => line.startsWith('a'))).toEqual([
      'a1 start',
      'a1 end',
      'a2 start',
      'a2 end',
      'a3 start',
      'a3 end',
    ]);
    // b1 ran while a1 still held deployment 1.
    expect(log.indexOf('b1 end')).toBeLessThan(log.indexOf('a1 end'));
  });

  it('a turn that fails passes the turn on', async () => {
    const takeTurn = createTakeTurns();
    await expect(takeTurn(1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await takeTurn(1, async () => 'next')).toBe('next');
  });
});
