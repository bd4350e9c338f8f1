import { Redis } from 'ioredis';

/**
 * Workers block on Redis and need `maxRetriesPerRequest: null`; producers on the web side fail fast
 * instead, so a command answers "Redis is unreachable" rather than hanging past Slack's 3 seconds.
 */
export function createRedis(url: string, role: 'worker' | 'producer'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 5_000,
    lazyConnect: false,
  });
}
