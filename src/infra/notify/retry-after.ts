/**
 * How long a rate-limited receiver asked us to wait, in seconds, or undefined when the error is
 * not a rate limit. Understands @slack/web-api's WebAPIRateLimitedError (`retryAfter`), Slack's
 * `response_metadata.retryAfter` and `retry_after` fields, a Retry-After header, our NotifyError,
 * and the plain "A rate limit was exceeded (..., retry-after: N)" error the WebClient throws after
 * it already waited once itself. Wrapped errors (`original`, `cause`) are followed.
 */
export function retryAfterSeconds(error: unknown, depth = 0): number | undefined {
  if (typeof error !== 'object' || error === null || depth > 4) return undefined;
  const e = error as Record<string, unknown>;
  const data = asRecord(e.data);
  const candidates = [
    e.retryAfterSeconds,
    e.retryAfter,
    e.retry_after,
    data?.retry_after,
    asRecord(data?.response_metadata)?.retryAfter,
    header(e.headers, 'retry-after'),
    header(asRecord(e.response)?.headers, 'retry-after'),
  ];
  for (const candidate of candidates) {
    const seconds = toSeconds(candidate);
    if (seconds !== undefined) return seconds;
  }
  if (typeof e.message === 'string') {
    const match = /retry-after:?\s*(\d+(?:\.\d+)?)/i.exec(e.message);
    if (match) return Number(match[1]);
  }
  return retryAfterSeconds(e.original, depth + 1) ?? retryAfterSeconds(e.cause, depth + 1);
}

function toSeconds(value: unknown): number | undefined {
  if (typeof value === 'string' && value.trim() !== '' && Number.isNaN(Number(value))) {
    // Retry-After may also be an HTTP date.
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function header(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function')
    return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}
