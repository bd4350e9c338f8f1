import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';

/** Where to answer a click that came without a response_url: the App Home sends none. */
export interface DirectAnswer {
  client: Pick<WebClient, 'chat'>;
  userId: string;
}

/**
 * Answers through response_url. A click in the App Home has none: the answer (a refusal, "already
 * decided") goes to the person in the app's direct messages instead, so it is never lost.
 */
export async function answer(
  respond: RespondFn | undefined,
  body: Record<string, unknown>,
  log: Logger,
  direct?: DirectAnswer,
): Promise<void> {
  if (typeof respond === 'function') {
    await respond(body as never).catch((error: unknown) =>
      log.warn({ err: error }, 'could not answer the request'),
    );
    return;
  }
  if (direct && typeof body.text === 'string') {
    await direct.client.chat
      .postMessage({ channel: direct.userId, text: body.text })
      .catch((error: unknown) => log.warn({ err: error }, 'could not answer in a direct message'));
    return;
  }
  log.warn('request had no response_url; the answer was not sent');
}
