import type { WebClient } from '@slack/web-api';
import type { Message } from './blocks/block-kit.js';

export interface UploadFile {
  filename: string;
  /** A string is sent as text; a Buffer as bytes (never read as a path). */
  content: Buffer | string;
  title: string;
  threadTs?: string | undefined;
  initialComment?: string | undefined;
}

/** Everything Stagecoach says in Slack goes through here, so the transport is one small seam. */
export interface Messenger {
  post(channel: string, message: Message, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  ephemeral(channel: string, user: string, message: Message): Promise<void>;
  /** Shares a file in the channel (or a thread of it); needs the files:write scope. */
  upload(channel: string, file: UploadFile): Promise<void>;
}

export function createMessenger(client: WebClient): Messenger {
  return {
    async post(channel, message, threadTs) {
      const result = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as never,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        unfurl_links: false,
      });
      return String(result.ts);
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, text: message.text, blocks: message.blocks as never });
    },
    async ephemeral(channel, user, message) {
      await client.chat.postEphemeral({ channel, user, text: message.text, blocks: message.blocks as never });
    },
    async upload(channel, file) {
      // files.uploadV2 treats a string `file` as a path to read, so text goes in `content`.
      const body = typeof file.content === 'string' ? { content: file.content } : { file: file.content };
      const comment = file.initialComment ? { initial_comment: file.initialComment } : {};
      const common = { filename: file.filename, title: file.title, ...body, ...comment };
      await client.filesUploadV2(
        file.threadTs ? { ...common, channel_id: channel, thread_ts: file.threadTs } : { ...common, channel_id: channel },
      );
    },
  };
}
