import { WebAPIRateLimitedError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { NotifyError } from '../../../../src/infra/notify/notify-error.js';
import { retryAfterSeconds } from '../../../../src/infra/notify/retry-after.js';

describe('how long a rate-limited receiver asked us to wait', () => {
  it('reads the Slack client and Slack API forms', () => {
    expect(retryAfterSeconds(new WebAPIRateLimitedError(7))).toBe(7);
    expect(retryAfterSeconds({ data: { retry_after: 3 } })).toBe(3);
    expect(retryAfterSeconds({ data: { ok: false, response_metadata: { retryAfter: 4 } } })).toBe(4);
  });

  it('reads a Retry-After header, in seconds or as a date', () => {
    expect(retryAfterSeconds({ headers: { 'Retry-After': '2' } })).toBe(2);
    expect(retryAfterSeconds({ headers: new Headers({ 'retry-after': '5' }) })).toBe(5);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(retryAfterSeconds({ headers: { 'retry-after': inTenSeconds } })).toBeGreaterThanOrEqual(8);
  });

  it('finds the wait inside the error the Slack client wraps after its own retries', () => {
    const inner = new Error(
      'A rate limit was exceeded (url: http://127.0.0.1/api/chat.postMessage, retry-after: 1)',
    );
    const wrapped = Object.assign(new Error(`A request error occurred: ${inner.message}`), {
      original: inner,
    });
    expect(retryAfterSeconds(wrapped)).toBe(1);
    expect(
      retryAfterSeconds(new Error('outer', { cause: new NotifyError('limited', { retryAfterSeconds: 6 }) })),
    ).toBe(6);
  });

  it('is undefined for an ordinary failure', () => {
    expect(retryAfterSeconds(new Error('connect ECONNREFUSED'))).toBeUndefined();
    expect(retryAfterSeconds(new NotifyError('HTTP 500', { status: 500 }))).toBeUndefined();
    expect(retryAfterSeconds(undefined)).toBeUndefined();
  });
});
