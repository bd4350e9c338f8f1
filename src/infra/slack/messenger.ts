import type { WebClient } from '@slack/web-api';
import type { Metrics } from '../web/metrics.js';
import type { Message } from './block-kit.js';

export interface UploadFile {
  filename: string;
  /** A string is sent as text; a Buffer as bytes (never read as a path). */
  content: Buffer | string;
  title: string;
  threadTs?: string | undefined;
  initialComment?: string | undefined;
}

/** Everything Stagecoach says in Slack goes through here, so the transport is one small seam. */
/** Slack message metadata: lets Stagecoach recognise its own message later (needs channels:history to read). */
export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, string | number | boolean>;
}

export interface PostOptions {
  /** A thread reply shown in the channel too (Slack's "Also send to channel"): for what waits on someone. */
  broadcast?: boolean;
  /**
   * With pacing (pace-messenger.ts): how long the post may wait for its channel's turn; past that
   * it is not sent and SlackBusyError says when to try again. Unset: 10 s (defaultPostWaitMs).
   */
  maxWaitMs?: number | undefined;
}

export interface Messenger {
  post(
    channel: string,
    message: Message,
    threadTs?: string,
    metadata?: MessageMetadata,
    options?: PostOptions,
  ): Promise<string>;
  /** The ts of the first message in the thread whose metadata matches, if any (searches up to 1,000 replies). */
  findInThread(
    channel: string,
    threadTs: string,
    matches: (metadata: MessageMetadata) => boolean,
  ): Promise<string | undefined>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  /** Publishes a person's App Home tab (views.publish). */
  publishHome(userId: string, view: Record<string, unknown>): Promise<void>;
  /** Pins a message to the channel (needs pins:write); an already pinned one is left as it is. */
  pin(channel: string, ts: string): Promise<void>;
  ephemeral(channel: string, user: string, message: Message): Promise<void>;
  /** Shares a file in the channel (or a thread of it); needs the files:write scope. */
  upload(channel: string, file: UploadFile): Promise<void>;
  /** A link that opens the message (chat.getPermalink); undefined when Slack gives none. */
  permalink?(channel: string, ts: string): Promise<string | undefined>;
}

/** Counts Slack API failures by method and kind, then rethrows. */
async function counted<T>(metrics: Metrics | undefined, method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    const kind =
      code.includes('rate_limited') || /retry-after|429/i.test(String(error))
        ? 'rate_limited'
        : code.includes('platform')
          ? 'platform'
          : 'http';
    metrics?.slackErrors.inc({ method, kind });
    throw error;
  }
}

export function createMessenger(client: WebClient, metrics?: Metrics): Messenger {
  return {
    async post(channel, message, threadTs, metadata, options) {
      const result = await counted(metrics, 'chat.postMessage', () =>
        client.chat.postMessage(
          threadTs
            ? {
                channel,
                text: message.text,
                blocks: message.blocks as never,
                thread_ts: threadTs,
                reply_broadcast: options?.broadcast ?? false,
                ...(metadata ? { metadata } : {}),
                unfurl_links: false,
              }
            : {
                channel,
                text: message.text,
                blocks: message.blocks as never,
                ...(metadata ? { metadata } : {}),
                unfurl_links: false,
              },
        ),
      );
      return String(result.ts);
    },
    async findInThread(channel, threadTs, matches) {
      let cursor: string | undefined;
      for (let page = 0; page < 5; page++) {
        const result = await counted(metrics, 'conversations.replies', () =>
          client.conversations.replies({
            channel,
            ts: threadTs,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }),
        );
        for (const message of result.messages ?? []) {
          const metadata = (message as { metadata?: MessageMetadata }).metadata;
          if (metadata && message.ts && matches(metadata)) return message.ts;
        }
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) return undefined;
      }
      return undefined;
    },
    async permalink(channel, ts) {
      const found = await counted(metrics, 'chat.getPermalink', () =>
        client.chat.getPermalink({ channel, message_ts: ts }),
      );
      return typeof found.permalink === 'string' ? found.permalink : undefined;
    },
    async update(channel, ts, message) {
      await counted(metrics, 'chat.update', () =>
        client.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never }),
      );
    },
    async publishHome(userId, view) {
      await counted(metrics, 'views.publish', () =>
        client.views.publish({ user_id: userId, view: view as never }),
      );
    },
    async pin(channel, ts) {
      try {
        await counted(metrics, 'pins.add', () => client.pins.add({ channel, timestamp: ts }));
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error === 'already_pinned') return;
        throw error;
      }
    },
    async ephemeral(channel, user, message) {
      await counted(metrics, 'chat.postEphemeral', () =>
        client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks as never }),
      );
    },
    async upload(channel, file) {
      // files.uploadV2 treats a string `file` as a path to read, so text goes in `content`.
      const body = typeof file.content === 'string' ? { content: file.content } : { file: file.content };
      const comment = file.initialComment ? { initial_comment: file.initialComment } : {};
      const common = { filename: file.filename, title: file.title, ...body, ...comment };
      await counted(metrics, 'files.uploadV2', () =>
        client.filesUploadV2(
          file.threadTs
            ? { ...common, channel_id: channel, thread_ts: file.threadTs }
            : { ...common, channel_id: channel },
        ),
      );
    },
  };
}
