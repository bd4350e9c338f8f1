import type pg from 'pg';
import type { Logger } from '../../log.js';
import type { LocalChannel, LocalMessage, MessageStore, StoreEvent } from './message-store.js';

/** What an earlier run of local mode left in Postgres under `store` (migration 007). */
export async function loadLocalMessages(
  db: pg.Pool,
  store: string,
): Promise<{ channels: LocalChannel[]; messages: LocalMessage[] }> {
  const channels = await db.query<{ channel: LocalChannel }>(
    'SELECT channel FROM local_slack_channels WHERE store = $1 ORDER BY id',
    [store],
  );
  const messages = await db.query<{ message: LocalMessage }>(
    'SELECT message FROM local_slack_messages WHERE store = $1',
    [store],
  );
  return { channels: channels.rows.map((r) => r.channel), messages: messages.rows.map((r) => r.message) };
}

/**
 * Writes every change of the stand-in's store to Postgres, in order, so a restart of local mode
 * finds its messages and their buttons ([Retry step] included) where they were. A failed write is
 * logged: the console keeps working from memory.
 */
export function persistMessageStore(db: pg.Pool, store: string, messages: MessageStore, log: Logger) {
  let chain: Promise<void> = Promise.resolve();
  const write = (event: StoreEvent) => {
    // Modals are not kept across restarts (Slack's are not either).
    if (event.type === 'view' || event.type === 'view_closed') return;
    // Serialized now: the message object changes in place afterwards.
    const [sql, params] = statementFor(store, event);
    chain = chain.then(() =>
      db.query(sql, params).then(
        () => undefined,
        (error: unknown) => log.warn({ err: error }, 'could not save a local mode message'),
      ),
    );
  };
  const unsubscribe = messages.subscribe(write);
  // Channels known from the start (the plan's) are saved too, so their names survive.
  for (const channel of messages.channels()) write({ type: 'channel', channel });
  return {
    /** Waits for every change so far to be written. */
    flush: () => chain,
    async stop() {
      unsubscribe();
      await chain;
    },
  };
}

function statementFor(
  store: string,
  event: Exclude<StoreEvent, { type: 'view' | 'view_closed' }>,
): [string, unknown[]] {
  switch (event.type) {
    case 'upsert':
      return [
        `INSERT INTO local_slack_messages (store, channel, ts, message) VALUES ($1, $2, $3, $4)
         ON CONFLICT (store, channel, ts) DO UPDATE SET message = EXCLUDED.message, updated_at = now()`,
        [store, event.message.channel, event.message.ts, JSON.stringify(event.message)],
      ];
    case 'delete':
      return [
        'DELETE FROM local_slack_messages WHERE store = $1 AND channel = $2 AND ts = $3',
        [store, event.channel, event.ts],
      ];
    case 'channel':
      return [
        `INSERT INTO local_slack_channels (store, id, channel) VALUES ($1, $2, $3)
         ON CONFLICT (store, id) DO UPDATE SET channel = EXCLUDED.channel`,
        [store, event.channel.id, JSON.stringify(event.channel)],
      ];
  }
}
