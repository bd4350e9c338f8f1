import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createWakeups, promoteIn } from '../../../../src/infra/queue/wakeups.js';
import { redisUrl } from '../../../support/databases.js';

/** Promotions as BullMQ answers them, noted with their time; `refuse`: the job is no longer delayed. */
function fakePromote(refuse = false) {
  const promoted = new Map<string, number>();
  const promote = async (id: string) => {
    if (refuse)
      throw Object.assign(new Error(`Job ${id} is not in the delayed state. promote`), { code: -3 });
    promoted.set(id, Date.now());
  };
  return { promoted, promote };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timer wake-ups', () => {
  it('a timer due soon is promoted at its due time, never before', async () => {
    const queue = fakePromote();
    const wakeups = createWakeups(queue.promote);
    const due = new Date(Date.now() + 60);
    wakeups.at('timer-1', due);
    await sleep(30);
    expect(queue.promoted.has('timer-1')).toBe(false);
    await sleep(80);
    expect(queue.promoted.get('timer-1')).toBeGreaterThanOrEqual(due.getTime());
    expect(wakeups.size).toBe(0);
    wakeups.close();
  });

  it('a cancelled timer is not woken', async () => {
    const queue = fakePromote();
    const wakeups = createWakeups(queue.promote);
    wakeups.at('timer-2', new Date(Date.now() + 30));
    wakeups.cancel('timer-2');
    await sleep(60);
    expect(queue.promoted.size).toBe(0);
    wakeups.close();
  });

  it('a timer beyond the horizon or already due is left to the delayed job alone', () => {
    const queue = fakePromote();
    const wakeups = createWakeups(queue.promote, { horizonMs: 1_000 });
    wakeups.at('timer-3', new Date(Date.now() + 5_000));
    wakeups.at('timer-4', new Date(Date.now() - 10));
    expect(wakeups.size).toBe(0);
    wakeups.close();
  });

  it('a job the worker took first is not an error', async () => {
    const errors: unknown[] = [];
    const wakeups = createWakeups(fakePromote(true).promote, { onError: (error) => errors.push(error) });
    wakeups.at('timer-5', new Date(Date.now() + 10));
    await sleep(50);
    expect(errors).toEqual([]);
    wakeups.close();
  });
});

describe('promoting a timer job in BullMQ', () => {
  it('moves the delayed job to waiting at once; a job already taken is answered "not delayed"', async () => {
    const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const queue = new Queue('wakeups', { connection, prefix: `test-${randomUUID()}` });
    try {
      await queue.add('fire-timer', { timerId: 1 }, { jobId: 'timer-1', delay: 60_000 });
      await promoteIn(queue)('timer-1');
      expect(await (await queue.getJob('timer-1'))?.getState()).toBe('waiting');
      await expect(promoteIn(queue)('timer-1')).rejects.toMatchObject({ code: -3 });
      await expect(promoteIn(queue)('timer-gone')).rejects.toMatchObject({ code: -3 });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  });
});
