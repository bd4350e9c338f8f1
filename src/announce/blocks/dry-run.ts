import { context, type Message } from '../../infra/slack/block-kit.js';

/** How every message of a dry run is marked: the root's title, each thread line and each prompt. */
export const dryRunTag = '(dry run)';

export const dryRunNotice = ':test_tube: Dry run: commands are listed, not executed.';

/** Marks a message of a dry run (once): the tag before its text, the notice above its blocks. */
export function labelDryRun(message: Message): Message {
  if (message.text.startsWith(dryRunTag)) return message;
  return {
    ...message,
    text: `${dryRunTag} ${message.text}`,
    blocks: [context(dryRunNotice), ...message.blocks],
  };
}
