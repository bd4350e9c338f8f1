import type { Block } from '../slack/block-kit.js';
import type { Messenger } from '../slack/messenger.js';
import type { SlackTarget } from './notification.js';
import type { Notifier } from './notifier.js';

/** Slack through the app's messenger; the message ts is kept as the external id. */
export function slackNotifier(messenger: Messenger): Notifier {
  return {
    // A repeat is visible but harmless next to a reminder that never arrives.
    duplicateSafe: true,
    async send(notification, context) {
      const { channel, threadTs, updateTs, linkTs } = notification.target as SlackTarget;
      const { text } = notification.message;
      const blocks = linkTs
        ? await withThreadLink(messenger, channel, linkTs, notification.message.blocks)
        : notification.message.blocks;
      if (updateTs) {
        // An edit is idempotent: repeating it after a crash changes nothing.
        await messenger.update(channel, updateTs, { text, blocks: (blocks ?? []) as Block[] });
        return { externalId: updateTs };
      }
      // Without blocks the messenger leaves the field out and Slack renders the text itself.
      const ts = await messenger.post(channel, { text, blocks: blocks as Block[] }, threadTs, undefined, {
        maxWaitMs: context?.maxWaitMs,
      });
      return { externalId: ts };
    },
  };
}

/**
 * A page opens the thread where it is answered: one click from the channel (or a notification) to
 * the prompt. Without a link from Slack the page still goes out, as before.
 */
async function withThreadLink(
  messenger: Messenger,
  channel: string,
  ts: string,
  blocks: unknown[] | undefined,
): Promise<unknown[] | undefined> {
  const url = await messenger.permalink?.(channel, ts).catch(() => undefined);
  if (!url) return blocks;
  const button = {
    type: 'button',
    action_id: 'link_thread',
    text: { type: 'plain_text', text: 'Open the thread', emoji: true },
    url,
  };
  return [...(blocks ?? []), { type: 'actions', block_id: 'thread-link', elements: [button] }];
}
