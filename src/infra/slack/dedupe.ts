import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type pg from 'pg';
import { markRequestProcessed } from '../db/slack-requests.js';

/** The natural key of a Slack request: event_id for events, trigger_id for commands and interactions. */
export function requestKey(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === 'string') return `event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `trigger:${body.trigger_id}`;
  return undefined;
}

/**
 * Records the request's key; false when it was seen before. If Postgres is unreachable the request
 * counts as new: it is answered ("cannot reach Postgres"), and while every handler needs Postgres a
 * repeat cannot take effect twice.
 */
export async function isFirstDelivery(
  db: pg.Pool,
  body: Record<string, unknown>,
  logger: { warn(message: string): void; debug(message: string): void },
): Promise<boolean> {
  const key = requestKey(body);
  if (!key) return true;
  const fresh = await markRequestProcessed(db, key).catch((error: unknown) => {
    logger.warn(`duplicate check skipped, Postgres unreachable: ${String(error)}`);
    return true;
  });
  if (!fresh) logger.debug(`duplicate Slack request ${key} ignored`);
  return fresh;
}

/**
 * Global middleware for events (Bolt acknowledges those itself before any middleware): a repeated
 * delivery has no second effect. Commands and clicks are checked by their listeners right after
 * ack(), so the answer to Slack never waits for Postgres.
 */
export function dedupeRequests(db: pg.Pool): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const acknowledgedByListener = 'ack' in args && typeof args.ack === 'function';
    if (
      !acknowledgedByListener &&
      !(await isFirstDelivery(db, args.body as unknown as Record<string, unknown>, args.logger))
    )
      return;
    await args.next();
  };
}
