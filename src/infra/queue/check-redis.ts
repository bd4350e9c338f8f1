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
      `Redis is not reachable at ${redactUrl(url)} (${scrub(reason, url)}): start it (redis-server --daemonize yes) or set REDIS_URL`,
    );
  } finally {
    client.disconnect();
  }
}

/**
 * The URL without its password: this line goes to the terminal and to whatever collects the
 * container's output. The user name stays, since it helps to see which account was tried.
 */
export function redactUrl(url: string): string {
  try {
    const safe = new URL(url);
    if (safe.password) safe.password = '***';
    return safe.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** A client error could quote the password; never print it. */
function scrub(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password ? text.replaceAll(password, '***') : text;
}
