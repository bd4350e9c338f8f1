import type { FakeMessage, FakeSlack } from '../../support/fake-slack.js';
import type { createSlackClient } from '../../support/slack-requests.js';

export interface Button {
  actionId: string;
  value: string;
}

export interface PromptMessage {
  message: FakeMessage;
  buttons: Button[];
}

export const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks
    .find((block: { type?: string }) => block?.type === 'actions')
    ?.elements?.map((e: { action_id: string; value: string }) => ({
      actionId: e.action_id,
      value: e.value,
    })) ?? [];

/** Thread messages in `channel` that still show buttons: the prompts nobody decided yet. */
export function openPrompts(slack: FakeSlack, channel = 'C_DEPLOY'): PromptMessage[] {
  return slack
    .messages(channel)
    .filter((m) => !m.ephemeral && m.thread_ts !== undefined)
    .map((message) => ({ message, buttons: buttonsOf(message) }))
    .filter((p) => p.buttons.length > 0);
}

export interface Choice {
  actionId: string;
  user: string;
}

/**
 * Clicks prompts as people would: `choose` says which button of a prompt to press and as whom
 * (undefined: leave it). A prompt that still shows its buttons `retryAfterMs` after a click (no
 * HTTP answer because the process died, or an answer that said something went wrong) is clicked
 * again, at most `maxAttempts` times.
 */
export function createClicker(input: {
  slack: FakeSlack;
  client: ReturnType<typeof createSlackClient>;
  choose: (prompt: PromptMessage) => Choice | undefined;
  channel?: string;
  retryAfterMs?: number;
  maxAttempts?: number;
  concurrency?: number;
}) {
  const {
    slack,
    client,
    choose,
    channel = 'C_DEPLOY',
    retryAfterMs = 3_000,
    maxAttempts = 4,
    concurrency = 20,
  } = input;
  const attempts = new Map<string, { count: number; lastAt: number }>();
  const log: { actionId: string; value: string; user: string; at: number; status: number | 'error' }[] = [];

  const click = async (prompt: PromptMessage, choice: Choice) => {
    const button = prompt.buttons.find((b) => b.actionId === choice.actionId);
    if (!button) return;
    const key = `${prompt.message.ts}:${button.actionId}`;
    const seen = attempts.get(key) ?? { count: 0, lastAt: 0 };
    if (seen.count >= maxAttempts || Date.now() - seen.lastAt < retryAfterMs) return;
    seen.count += 1;
    seen.lastAt = Date.now();
    attempts.set(key, seen);
    const at = Date.now();
    try {
      const reply = await client.action(button.actionId, button.value, {
        user: choice.user,
        messageTs: prompt.message.ts,
        channel,
      });
      log.push({
        actionId: button.actionId,
        value: button.value,
        user: choice.user,
        at,
        status: reply.status,
      });
    } catch {
      log.push({ actionId: button.actionId, value: button.value, user: choice.user, at, status: 'error' });
    }
  };

  return {
    log,
    /** One pass over the open prompts; resolves when its clicks were answered. */
    /** Prompts clicked more than once: each retry is a click that did not take the first time. */
    retried: () => [...attempts.values()].filter((a) => a.count > 1).length,
    async tick(): Promise<number> {
      const work = openPrompts(slack, channel)
        .map((prompt) => ({ prompt, choice: choose(prompt) }))
        .filter((w): w is { prompt: PromptMessage; choice: Choice } => w.choice !== undefined);
      let index = 0;
      const runners = Array.from({ length: Math.min(concurrency, work.length) }, async () => {
        while (index < work.length) {
          const item = work[index++];
          if (item) await click(item.prompt, item.choice);
        }
      });
      await Promise.all(runners);
      return work.length;
    },
  };
}
