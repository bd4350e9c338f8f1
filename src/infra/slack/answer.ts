import type { RespondFn } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** Answers through response_url; a request without one (never from real Slack) just gets no answer. */
export async function answer(
  respond: RespondFn | undefined,
  body: Record<string, unknown>,
  log: Logger,
): Promise<void> {
  if (typeof respond !== 'function') {
    log.warn('request had no response_url; the answer was not sent');
    return;
  }
  await respond(body as never).catch((error: unknown) =>
    log.warn({ err: error }, 'could not answer the request'),
  );
}
