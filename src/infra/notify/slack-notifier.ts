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
      const { channel, threadTs, updateTs } = notification.target as SlackTarget;
      const { text, blocks } = notification.message;
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
