import { request } from 'undici';
import { NotifyError } from './notify-error.js';
import { retryAfterSeconds } from './retry-after.js';

export interface SendJsonOptions {
  method?: 'POST' | 'PATCH';
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

/** Answers are small; reading more would only let a broken receiver stall the worker. */
const maxAnswerBytes = 64 * 1024;

/**
 * One JSON request to a notification receiver. Any answer but 2xx throws a NotifyError (the
 * outbox retries it); 429, and Statuspage's 420, carry the Retry-After to wait for. Errors name
 * the receiver's origin only: webhook paths often hold a secret.
 */
export async function sendJson(url: string, options: SendJsonOptions): Promise<unknown> {
  const method = options.method ?? 'POST';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const shown = `${method} ${new URL(url).origin}`;
  let statusCode: number;
  let text: string;
  let headers: Record<string, unknown>;
  try {
    const response = await request(url, {
      method,
      headers: { 'content-type': 'application/json; charset=utf-8', ...options.headers },
      body: JSON.stringify(options.body),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    statusCode = response.statusCode;
    headers = response.headers;
    text = await readBounded(response.body);
  } catch (error) {
    const reason = deadline.aborted
      ? `no answer within ${timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    throw new NotifyError(`${shown} failed: ${reason}`, { cause: error });
  }
  if (statusCode === 429 || statusCode === 420) {
    throw new NotifyError(`${shown} was rate limited (HTTP ${statusCode})`, {
      status: statusCode,
      // Statuspage allows about one request a second and may not say how long to wait.
      retryAfterSeconds: retryAfterSeconds({ headers }) ?? 1,
    });
  }
  if (statusCode < 200 || statusCode >= 300) {
    throw new NotifyError(`${shown} answered HTTP ${statusCode}: ${text.slice(0, 300)}`, {
      status: statusCode,
    });
  }
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBounded(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?: () => void },
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk));
    size += chunk.length;
    if (size >= maxAnswerBytes) {
      body.destroy?.();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, maxAnswerBytes);
}
