import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type pg from 'pg';
import { markRequestProcessed } from '../db/slack-requests.js';

/** The natural key of a Slack request: event_id for events, trigger_id for commands and interactions. */
export function requestKey(body: Record<string, unknown>): string | undefined {
  if (typeof body.event_id === 'string') return `event:${body.event_id}`;
  if (typeof body.trigger_id === 'string') return `trigger:${body.trigger_id}`;
  return undefined;
}

/** Global middleware: a repeated request is acknowledged and has no second effect. */
export function dedupeRequests(db: pg.Pool): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const key = requestKey(args.body as unknown as Record<string, unknown>);
    // Postgres down: let the request through so that it is acknowledged and answered ("cannot
    // reach Postgres"); a repeat cannot take effect twice while every handler needs Postgres.
    const fresh = key
      ? await markRequestProcessed(db, key).catch((error: unknown) => {
          args.logger.warn(`duplicate check skipped, Postgres unreachable: ${String(error)}`);
          return true;
        })
      : true;
    if (!fresh) {
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      args.logger.debug(`duplicate Slack request ${key} ignored`);
      return;
    }
    await args.next();
  };
}
