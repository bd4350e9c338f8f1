import { Redis } from 'ioredis';

/** One line naming the service and how to get it, when Redis is not there. */
export async function checkRedis(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Redis is not reachable at ${url} (${reason}): start it (redis-server --daemonize yes) or set REDIS_URL`,
    );
  } finally {
    client.disconnect();
  }
}
