import type { WebClient } from '@slack/web-api';
import type { Message } from './blocks/block-kit.js';

/** Everything Stagecoach says in Slack goes through here, so the transport is one small seam. */
export interface Messenger {
  post(channel: string, message: Message, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: Message): Promise<void>;
  ephemeral(channel: string, user: string, message: Message): Promise<void>;
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
  };
}
