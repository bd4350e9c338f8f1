import { request } from 'undici';

export type QueryResult =
  | { ok: true; value: number }
  | { ok: false; reason: 'no_data' | 'error'; detail: string };

/** Requests on the wire, by URL: a reading asked for while the same one is in flight waits for it. */
const inFlight = new Map<string, Promise<QueryResult>>();

/**
 * One Prometheus instant query. No series, NaN or an error is "no data": the caller shows it as
 * unknown, never as a pass. Callers asking the very same query while it is in flight share its
 * answer (many deployments' check-ins and polls read the same plan metrics at the same moment); a
 * caller with a signal of its own asks alone.
 */
export async function queryPrometheus(
  baseUrl: string,
  query: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<QueryResult> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', query);
  if (options.signal) return requestQuery(url, options);
  const key = `${options.timeoutMs ?? ''} ${url}`;
  const pending = inFlight.get(key);
  if (pending) return pending;
  const request = requestQuery(url, options).finally(() => inFlight.delete(key));
  inFlight.set(key, request);
  return request;
}

async function requestQuery(
  url: URL,
  options: { timeoutMs?: number; signal?: AbortSignal },
): Promise<QueryResult> {
  try {
    const response = await request(url, {
      method: 'GET',
      headersTimeout: options.timeoutMs ?? 3_000,
      bodyTimeout: options.timeoutMs ?? 3_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const body = (await response.body.json().catch(() => undefined)) as
      | { status?: string; error?: string; data?: { result?: { value?: [number, string] }[] } }
      | undefined;
    if (response.statusCode !== 200 || body?.status !== 'success') {
      return { ok: false, reason: 'error', detail: body?.error ?? `HTTP ${response.statusCode}` };
    }
    const sample = body.data?.result?.[0]?.value?.[1];
    const value = sample === undefined ? Number.NaN : Number(sample);
    if (!Number.isFinite(value))
      return { ok: false, reason: 'no_data', detail: 'the query returned no samples' };
    return { ok: true, value };
  } catch (error) {
    return { ok: false, reason: 'error', detail: error instanceof Error ? error.message : String(error) };
  }
}
