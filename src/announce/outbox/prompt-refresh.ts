import { getPrompt, type Prompt, setPromptMessage } from '../../infra/db/prompts.js';
import type { Notification, SlackTarget } from '../../infra/notify/notification.js';
import type { Message } from '../../infra/slack/block-kit.js';
import type { DeployDeps } from '../../ports.js';
import { withoutAnswerers } from '../answerers.js';
import { decidedMessage } from '../blocks/step-messages.js';
import { mention, slackTime } from '../format.js';

/** The prompt whose message a row edits (see `SlackTarget.refreshesPrompt`), if it is such an edit. */
export function refreshedPromptOf(row: Pick<Notification, 'channel' | 'target'>): number | undefined {
  return row.channel === 'slack' ? (row.target as SlackTarget).refreshesPrompt : undefined;
}

/**
 * Whether an edit of a prompt can go out: `unposted` while the prompt has still to reach Slack (its
 * poster, or the reconciler, posts it; the edit follows), `gone` when there is nothing to edit.
 */
export async function promptRefreshReadiness(
  deps: Pick<DeployDeps, 'db'>,
  promptId: number,
): Promise<'ready' | 'unposted' | 'gone'> {
  const prompt = await getPrompt(deps.db, promptId);
  if (!prompt) return 'gone';
  return prompt.messageTs ? 'ready' : 'unposted';
}

/**
 * The edit as it goes out: the row's message, shown decided when the prompt was answered after
 * the edit was recorded (the edit never brings back buttons a decision took away). The stored
 * copy follows, so that a later decision is shown on top of this text, not an older one.
 */
export async function resolvePromptRefresh(
  deps: Pick<DeployDeps, 'db' | 'plan' | 'clock'>,
  row: Notification,
  promptId: number,
): Promise<Notification> {
  const prompt = await getPrompt(deps.db, promptId);
  if (!prompt?.messageTs) throw new Error(`prompt ${promptId} is not in Slack yet`);
  const open: Message = { text: row.message.text, blocks: (row.message.blocks ?? []) as Message['blocks'] };
  await setPromptMessage(deps.db, prompt.id, prompt.messageTs, open);
  const shown = prompt.status === 'open' ? open : decidedView(deps, prompt, open);
  const target: SlackTarget = { channel: prompt.channelId, updateTs: prompt.messageTs };
  return { ...row, target, message: { text: shown.text, blocks: shown.blocks } };
}

/** As `showDecided` words it: who decided what, and when, without buttons. */
function decidedView(deps: Pick<DeployDeps, 'plan' | 'clock'>, prompt: Prompt, open: Message): Message {
  const when = slackTime(prompt.decidedAt ?? deps.clock(), deps.plan.timezone);
  const who =
    prompt.decidedBy && prompt.decidedBy !== 'stagecoach' ? mention(prompt.decidedBy) : 'Stagecoach';
  return decidedMessage(
    withoutAnswerers(open),
    `:ballot_box_with_check: ${prompt.decision ?? 'Closed'} by ${who} at ${when}`,
  );
}
