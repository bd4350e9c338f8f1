import { request } from 'undici';
import { formatDuration } from './format.js';
import { createRedactor, type Redact } from './redact.js';
import { elapsedSince, type StepOutcome, type StepStatus } from './step-outcome.js';

export interface HttpCheckOptions {
  url: string;
  /** 200 unless the plan says otherwise; redirects are not followed. */
  expectStatus?: number;
  expectBodyContains?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  redact?: Redact;
}

/** A health body is small; reading more would only let a broken endpoint stall the check. */
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_TAIL_BODY_CHARS = 2000;

/** One GET, judged on status and body, with an answer that says what went wrong. */
export async function httpCheck(options: HttpCheckOptions): Promise<StepOutcome> {
  const started = performance.now();
  const redact = options.redact ?? createRedactor([]);
  const expectStatus = options.expectStatus ?? 200;
  // The URL may carry a token in its query; it is shown redacted like everything else.
  const shownUrl = redact(options.url);
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const finish = (status: StepStatus, summary: string, outputTail = '', exitCode?: number) => ({
    status,
    ...(exitCode === undefined ? {} : { exitCode }),
    outputTail: redact(outputTail),
    durationMs: elapsedSince(started),
    summary: redact(summary),
  });

  let statusCode: number;
  let body: string;
  let truncated: boolean;
  try {
    const response = await request(options.url, {
      method: 'GET',
      signal,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    statusCode = response.statusCode;
    ({ body, truncated } = await readBounded(response.body));
  } catch (error) {
    if (options.signal?.aborted) return finish('cancelled', `cancelled: ${shownUrl}`);
    if (deadline.aborted || isTimeout(error)) {
      return finish('timed_out', `no response within ${formatDuration(options.timeoutMs)}: ${shownUrl}`);
    }
    return finish('failed', describeRequestError(error, shownUrl));
  }

  const shownBody = body.length > MAX_TAIL_BODY_CHARS ? `${body.slice(0, MAX_TAIL_BODY_CHARS)}…` : body;
  const outputTail = `GET ${shownUrl} -> HTTP ${statusCode}${truncated ? ' (body cut at 1 MB)' : ''}\n${shownBody}`;
  if (statusCode !== expectStatus) {
    return finish('failed', `HTTP ${statusCode} (expected ${expectStatus})`, outputTail);
  }
  const needle = options.expectBodyContains;
  if (needle && !body.includes(needle)) {
    return finish('failed', `body does not contain ${JSON.stringify(needle)}`, outputTail);
  }
  return finish('succeeded', `HTTP ${statusCode} from ${shownUrl}`, outputTail);
}

async function readBounded(stream: AsyncIterable<Buffer> & { destroy(): void }) {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      stream.destroy();
      return { body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'), truncated: true };
    }
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  return (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

function describeRequestError(error: unknown, url: string): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused: ${url}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${url}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `connection closed before a response: ${url}`;
    case 'ERR_INVALID_URL':
    case 'UND_ERR_INVALID_ARG':
      return `invalid URL: ${url}`;
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT')) return `TLS error (${code}): ${url}`;
      return `request failed (${code ?? message ?? 'unknown error'}): ${url}`;
  }
}
