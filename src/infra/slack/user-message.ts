import { randomBytes } from 'node:crypto';
import { isAppError } from '../../errors.js';
import type { Logger } from '../../log.js';

/** What a person sees when something went wrong: a coded error's own words, never a stack trace. */
export function userMessage(error: unknown, log: Logger): string {
  if (isAppError(error)) return error.message;
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  const ref = randomBytes(3).toString('hex');
  log.error({ err: error, ref }, 'unexpected error answering Slack');
  if (
    /ECONNREFUSED|Connection is closed|MaxRetriesPerRequest|Stream isn't writeable|enableOfflineQueue/i.test(
      text,
    )
  ) {
    return `Stagecoach cannot reach Redis or Postgres right now (ref ${ref}). Nothing new was started; try again in a minute, and tell the operators if it persists.`;
  }
  return `Something went wrong on Stagecoach's side (ref ${ref}). The operators can find it in the logs; try again, or check \`/deploy status\`.`;
}
