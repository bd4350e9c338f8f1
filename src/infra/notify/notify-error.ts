/** A receiver refused a notification; `retryAfterSeconds` when it asked us to wait (rate limit). */
export class NotifyError extends Error {
  readonly status: number | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    message: string,
    options: { status?: number; retryAfterSeconds?: number | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'NotifyError';
    this.status = options.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
