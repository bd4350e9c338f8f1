import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from '../../../../src/infra/notify/retry-after.js';
import type { Message } from '../../../../src/infra/slack/block-kit.js';
import type { Messenger } from '../../../../src/infra/slack/messenger.js';
import { coalesceByKey, paceMessenger } from '../../../../src/infra/slack/pace-messenger.js';
import {
  createSlackPacer,
  SlackBusyError,
  type SlackPacer,
} from '../../../../src/infra/slack/pace-slack-calls.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A turn that waits until the test lets it through. */
function gate() {
  const waiting: (() => void)[] = [];
  return {
    turn: () => new Promise<void>((resolve) => waiting.push(resolve)),
    /** Lets the oldest caller through, once one is waiting. */
    open: async () => {
      for (let i = 0; i < 100 && waiting.length === 0; i++) await tick();
      waiting.shift()?.();
      await tick();
    },
    get waiting() {
      return waiting.length;
    },
  };
}

const text = (t: string): Message => ({ text: t, blocks: [] });

function recordingMessenger(log: string[]): Messenger {
  let ts = 0;
  return {
    post: async (channel, message, threadTs) => {
      log.push(`post ${channel} ${threadTs ?? '-'} ${message.text}`);
      ts += 1;
      return String(ts);
    },
    findInThread: async () => undefined,
    update: async (channel, at, message) => {
      log.push(`update ${channel} ${at} ${message.text}`);
    },
    publishHome: async (user) => {
      log.push(`home ${user}`);
    },
    pin: async () => undefined,
    ephemeral: async () => undefined,
    upload: async () => undefined,
  };
}

describe('coalesced edits', () => {
  it('a burst of edits of one message while it waits for its turn becomes one call with the last content', async () => {
    const g = gate();
    const log: string[] = [];
    const messenger = paceMessenger(recordingMessenger(log), { turn: g.turn });
    const edits = ['step 1 running', 'step 1 done', 'step 2 running'].map((t) =>
      messenger.update('C1', '100.1', text(t)),
    );
    await tick();
    expect(g.waiting).toBe(1);
    await g.open();
    await Promise.all(edits);

    expect(log).toEqual(['update C1 100.1 step 2 running']);
  });

  it('an edit asked while the previous one is being sent is sent after it, never before', async () => {
    const g = gate();
    const sent: string[] = [];
    let finishFirst: () => void = () => undefined;
    const coalesce = coalesceByKey(g.turn);
    const first = coalesce(
      'm',
      () =>
        new Promise<void>((resolve) => {
          finishFirst = () => {
            sent.push('a');
            resolve();
          };
        }),
    );
    await g.open();
    const second = coalesce('m', async () => {
      sent.push('b');
    });
    const third = coalesce('m', async () => {
      sent.push('c');
    });
    // The second waits for the first to finish before it even asks for a turn.
    await tick();
    expect(g.waiting).toBe(0);
    finishFirst();
    await first;
    await g.open();
    await Promise.all([second, third]);

    expect(sent).toEqual(['a', 'c']);
  });

  it('edits of different messages are not merged', async () => {
    const log: string[] = [];
    const messenger = paceMessenger(recordingMessenger(log), { turn: async () => undefined });
    await Promise.all([messenger.update('C1', '1', text('x')), messenger.update('C1', '2', text('y'))]);

    expect(log.sort()).toEqual(['update C1 1 x', 'update C1 2 y']);
  });

  it('every caller whose edit was merged learns that the call failed', async () => {
    const g = gate();
    const coalesce = coalesceByKey(g.turn);
    const failing = async () => {
      throw new Error('message_not_found');
    };
    const both = [coalesce('m', failing), coalesce('m', failing)];
    await g.open();
    for (const result of await Promise.allSettled(both)) expect(result.status).toBe('rejected');
    // The key is free again afterwards.
    const next = coalesce('m', async () => undefined);
    await g.open();
    await expect(next).resolves.toBeUndefined();
  });
});

describe('posts', () => {
  it('wait for their channel turn and keep the order they were asked in', async () => {
    const turns: string[] = [];
    const log: string[] = [];
    const pacer: SlackPacer = {
      turn: async (key) => {
        turns.push(key);
      },
    };
    const messenger = paceMessenger(recordingMessenger(log), pacer);
    for (const line of ['one', 'two', 'three']) await messenger.post('C1', text(line), '100.1');

    expect(turns).toEqual(Array(3).fill('chat.postMessage:C1'));
    expect(log).toEqual(['post C1 100.1 one', 'post C1 100.1 two', 'post C1 100.1 three']);
  });
});

describe('the pacer without Redis', () => {
  it('spaces the turns of one key at the rule and leaves other keys alone', async () => {
    const pacer = createSlackPacer({ prefix: 'unit' });
    const started = Date.now();
    const at: Record<string, number[]> = { a: [], b: [] };
    await Promise.all([
      ...[1, 2, 3].map(() =>
        pacer.turn('a', { perMinute: 600 }).then(() => at.a?.push(Date.now() - started)),
      ),
      pacer.turn('b', { perMinute: 600 }).then(() => at.b?.push(Date.now() - started)),
    ]);

    // 600 a minute is one every 100 ms.
    const a = at.a ?? [];
    expect(a[0]).toBeLessThan(50);
    expect(a[1]).toBeGreaterThanOrEqual(95);
    expect(a[2]).toBeGreaterThanOrEqual(195);
    expect(at.b?.[0]).toBeLessThan(50);
  });

  it('refuses a turn further away than the caller may wait, without taking it, and says when to come back', async () => {
    const pacer = createSlackPacer({ prefix: 'unit' });
    const rule = { perMinute: 600 };
    await pacer.turn('a', rule);
    const refused = await pacer.turn('a', rule, 10).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SlackBusyError);
    // The outbox reads it as it reads a 429's Retry-After.
    expect(retryAfterSeconds(refused)).toBeGreaterThan(0.05);
    expect(retryAfterSeconds(refused)).toBeLessThanOrEqual(0.1);
    // The refused caller did not take the slot: the next one gets it, 100 ms after the first.
    const started = Date.now();
    await pacer.turn('a', rule);
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('gives up waiting when the process shuts down', async () => {
    const shutdown = new AbortController();
    const pacer = createSlackPacer({ prefix: 'unit', signal: shutdown.signal });
    await pacer.turn('a', { perMinute: 1 });
    const waiting = pacer.turn('a', { perMinute: 1 });
    shutdown.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });
});
