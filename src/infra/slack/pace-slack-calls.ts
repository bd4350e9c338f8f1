import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { PaceRule } from './slack-rate-limits.js';

export interface SlackPacer {
  /**
   * Waits for the next free slot of `key` (a channel's posts, a method): slots are `rule`'s
   * spacing apart and each caller reserves its own, so waiting callers go in arrival order and
   * nobody polls. When the slot is more than `maxWaitMs` away it is not taken and SlackBusyError
   * says when to come back. Rejects when `signal` (shutdown) aborts the wait.
   */
  turn(key: string, rule: PaceRule, maxWaitMs?: number): Promise<void>;
}

/** Slack's limit for this channel or method is taken for longer than the caller may wait. */
export class SlackBusyError extends AppError {
  /** When a slot is likely free, as a 429's Retry-After (the outbox waits this long). */
  readonly retryAfterSeconds: number;
  constructor(key: string, waitMs: number) {
    super('unavailable', `Slack's limit for ${key} is taken for the next ${Math.ceil(waitMs)} ms`);
    this.name = 'SlackBusyError';
    this.retryAfterSeconds = waitMs / 1000;
  }
}

/**
 * Reserves the next slot of a key (the generic cell rate algorithm, without burst).
 * KEYS[1]: the key's next free slot, in ms of the Redis server's clock. ARGV[1]: the spacing in ms.
 * ARGV[2]: the longest wait the caller accepts. Returns {1, ms to wait for the slot it got}, or
 * {0, ms until the next free slot} without taking it when that is longer. Atomic and on one clock, so web and
 * worker processes sharing the Redis share each pace. The key expires a second after its last
 * slot: an idle channel costs nothing.
 */
const reserveSlot = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local spacing = tonumber(ARGV[1])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
if slot - now > tonumber(ARGV[2]) then return {0, slot - now} end
redis.call('SET', KEYS[1], slot + spacing, 'PX', slot + spacing - now + 1000)
return {1, slot - now}
`;

/**
 * Slack calls paced through Redis, shared by every process of one deployment (web replicas and
 * workers all call Slack, and Slack counts per app and workspace). While Redis does not answer,
 * each process paces on its own, which can overshoot by the number of processes for that time;
 * the WebClient's own retry after Retry-After covers the rest.
 */
export function createSlackPacer(input: {
  redis?: Redis | undefined;
  /** Keys live under `${prefix}:slack-pace:`. */
  prefix: string;
  signal?: AbortSignal | undefined;
  log?: Logger | undefined;
}): SlackPacer {
  const local = new Map<string, number>();
  let warned = false;
  const reserveLocally = (key: string, spacing: number, maxWaitMs: number): [boolean, number] => {
    const now = Date.now();
    const slot = Math.max(local.get(key) ?? 0, now);
    if (slot - now > maxWaitMs) return [false, slot - now];
    local.set(key, slot + spacing);
    return [true, slot - now];
  };
  const reserve = async (key: string, spacing: number, maxWaitMs: number): Promise<[boolean, number]> => {
    if (!input.redis) return reserveLocally(key, spacing, maxWaitMs);
    try {
      const [taken, waitMs] = (await input.redis.eval(
        reserveSlot,
        1,
        `${input.prefix}:slack-pace:${key}`,
        spacing,
        maxWaitMs,
      )) as [number, number];
      warned = false;
      return [taken === 1, Number(waitMs)];
    } catch (error) {
      if (!warned)
        input.log?.warn({ err: error }, 'Slack pacing falls back to this process: Redis did not answer');
      warned = true;
      return reserveLocally(key, spacing, maxWaitMs);
    }
  };
  return {
    async turn(key, rule, maxWaitMs = Number.MAX_SAFE_INTEGER) {
      const [taken, waitMs] = await reserve(key, Math.ceil(60_000 / rule.perMinute), maxWaitMs);
      if (!taken) throw new SlackBusyError(key, waitMs);
      if (waitMs > 0) await sleep(waitMs, undefined, input.signal ? { signal: input.signal } : {});
    },
  };
}
