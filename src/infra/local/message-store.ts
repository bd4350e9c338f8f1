// biome-ignore lint/suspicious/noExplicitAny: Block Kit is open-ended JSON; the console renders what it knows.
type Json = any;

export const botUser = { id: 'UBOT', botId: 'BBOT', name: 'Stagecoach' } as const;

export interface LocalChannel {
  id: string;
  name: string;
  purpose: string;
}

export interface LocalFile {
  id: string;
  title: string;
  name: string;
  size: number;
  url: string;
}

export interface LocalMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: Json[];
  /** Who posted it: the bot, or a user for the echo of a command they typed. */
  author: string;
  kind: 'message' | 'command';
  ephemeral: boolean;
  /** For an ephemeral message, the only user who sees it. */
  user?: string;
  files?: LocalFile[];
  /** How many times it was changed in place (chat.update, replace_original). */
  updates: number;
  /** Pinned to the channel (pins.add). */
  pinned?: boolean;
  /** A thread reply also sent to the channel (reply_broadcast). */
  broadcast?: boolean;
}

/** A modal open for one person (views.open), until they submit or cancel it. */
export interface LocalView {
  id: string;
  user: string;
  view: Json;
}

export type StoreEvent =
  | { type: 'view'; view: LocalView }
  | { type: 'view_closed'; id: string; user: string }
  | { type: 'upsert'; message: LocalMessage }
  | { type: 'delete'; channel: string; ts: string }
  | { type: 'channel'; channel: LocalChannel };

/** Micro-seconds of a Slack ts, for ordering and for issuing later ones. */
const microsOf = (ts: string) => {
  const [seconds = '0', micros = '0'] = ts.split('.');
  return Number(seconds) * 1e6 + Number(micros.padEnd(6, '0').slice(0, 6));
};

/**
 * The stand-in workspace's channels and messages, with a change feed for the console (and for
 * `persistMessageStore`). `saved` is what an earlier run left: its messages and buttons stay.
 */
export function createMessageStore(
  initialChannels: LocalChannel[],
  saved: { channels: LocalChannel[]; messages: LocalMessage[] } = { channels: [], messages: [] },
) {
  const channels = new Map(initialChannels.map((channel) => [channel.id, channel]));
  for (const channel of saved.channels) if (!channels.has(channel.id)) channels.set(channel.id, channel);
  const messages: LocalMessage[] = [...saved.messages].sort((a, b) => microsOf(a.ts) - microsOf(b.ts));
  const listeners = new Set<(event: StoreEvent) => void>();
  const emit = (event: StoreEvent) => {
    for (const listener of listeners) listener(event);
  };
  // Slack's ts is seconds.microseconds and unique per channel; unique here across all of them.
  let lastMicros = Math.max(0, ...messages.map((m) => microsOf(m.ts)));
  const nextTs = () => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };

  const ensureChannel = (id: string) => {
    const known = channels.get(id);
    if (known) return known;
    // A post to an unknown id (a DM to a user, a channel from an env var) still shows up somewhere.
    const channel = { id, name: /^[UW]/.test(id) ? `dm-${id.toLowerCase()}` : id.toLowerCase(), purpose: '' };
    channels.set(id, channel);
    emit({ type: 'channel', channel });
    return channel;
  };

  const views = new Map<string, LocalView>();

  return {
    /** Open modals: not persisted, like Slack, where a modal does not outlive the client. */
    views: () => [...views.values()],
    view: (id: string) => views.get(id),
    openView(view: LocalView) {
      views.set(view.id, view);
      emit({ type: 'view', view });
    },
    closeView(id: string) {
      const view = views.get(id);
      if (!view) return;
      views.delete(id);
      emit({ type: 'view_closed', id, user: view.user });
    },
    channels: () => [...channels.values()],
    channel: (id: string) => channels.get(id),
    ensureChannel,
    all: () => [...messages],
    find: (channel: string, ts: string) => messages.find((m) => m.channel === channel && m.ts === ts),
    add(input: Omit<LocalMessage, 'ts' | 'updates'>): LocalMessage {
      ensureChannel(input.channel);
      const message: LocalMessage = { ...input, ts: nextTs(), updates: 0 };
      messages.push(message);
      emit({ type: 'upsert', message });
      return message;
    },
    /** Changes a message in place; fields left undefined keep their value, as with chat.update. */
    update(
      message: LocalMessage,
      change: { text?: string | undefined; blocks?: Json[] | undefined; pinned?: boolean },
    ) {
      if (change.pinned !== undefined) {
        // Pinning is not an edit: the message is not marked "(edited)".
        message.pinned = change.pinned;
        emit({ type: 'upsert', message });
        return;
      }
      if (change.text !== undefined) message.text = change.text;
      if (change.blocks !== undefined) message.blocks = change.blocks;
      message.updates += 1;
      emit({ type: 'upsert', message });
    },
    remove(message: LocalMessage) {
      const index = messages.indexOf(message);
      if (index < 0) return;
      messages.splice(index, 1);
      emit({ type: 'delete', channel: message.channel, ts: message.ts });
    },
    subscribe(listener: (event: StoreEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
