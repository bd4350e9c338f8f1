import { setTimeout as sleep } from 'node:timers/promises';
import { getPrompt, type Prompt } from '../infra/db/prompts.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { AnnounceDeps } from './announce-deps.js';

/** How long a check-in waits for the message it joins to reach Slack before posting on its own. */
const joinWaitMs = 3_000;

/**
 * Where a check-in recorded as joining the message of the check-in before it goes: that message,
 * once it has reached Slack (its own poster is normally a few milliseconds ahead); or, when that
 * poster died or Slack is slow, a message of its own showing only itself, so that no check-in is
 * ever shown in two messages.
 */
export async function foldTarget(
  deps: Pick<AnnounceDeps, 'db'>,
  prompt: Prompt,
): Promise<{ edit: string } | { alone: { message: Message; payload: Record<string, unknown> } } | undefined> {
  const { replacesMessageTs, foldOf, joinedShown } = prompt.payload;
  if (typeof replacesMessageTs === 'string') return { edit: replacesMessageTs };
  if (typeof foldOf !== 'number') return undefined;
  const deadline = Date.now() + joinWaitMs;
  for (;;) {
    const joined = await getPrompt(deps.db, foldOf);
    // It joins only a message that shows what it was rendered to extend: one that was itself
    // posted alone (its own join timed out) shows less, and joining it would show some twice.
    if (joined?.messageTs) {
      if (JSON.stringify(joined.payload.shown) === JSON.stringify(joinedShown))
        return { edit: joined.messageTs };
      break;
    }
    if (!joined || Date.now() >= deadline) break;
    await sleep(25);
  }
  const fresh = await getPrompt(deps.db, prompt.id);
  const alone = fresh?.payload.alone as { message: Message; payload: Record<string, unknown> } | undefined;
  return alone ? { alone } : undefined;
}
