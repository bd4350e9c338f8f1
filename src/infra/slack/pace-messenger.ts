import type { Messenger } from './messenger.js';
import type { SlackPacer } from './pace-slack-calls.js';
import { methodRules, type PacedMethod, postsPerChannel } from './slack-rate-limits.js';

/**
 * The messenger, kept under Slack's rate limits before Slack has to say 429: posts wait for their
 * channel's turn (about one a second), every other call for its method's tier. Edits of one
 * message (and publishes of one person's Home tab) that pile up while they wait become one call
 * with the newest content; they replace the whole message, so nothing said is lost.
 *
 * Posts keep their order: callers that wait on one channel are let through in the order they
 * asked, and the outbox sends a thread's lines one after another.
 */
/**
 * The longest a post waits for its channel's turn unless its caller says otherwise: under the 15 s
 * leases of root and prompt posts (announce/root.ts, announce/prompts.ts), so a post still waiting
 * never looks abandoned and gets posted twice. Past it the post is not sent (SlackBusyError) and
 * its caller's own retry takes over: the outbox delays its job, the reconciler posts the prompt.
 */
export const defaultPostWaitMs = 10_000;

export function paceMessenger(inner: Messenger, pacer: SlackPacer): Messenger {
  const method = (name: PacedMethod) => pacer.turn(name, methodRules[name]);
  const channelPost = (channel: string, maxWaitMs?: number) =>
    pacer.turn(`chat.postMessage:${channel}`, postsPerChannel, maxWaitMs);
  const edit = coalesceByKey(() => method('chat.update'));
  const publish = coalesceByKey(() => method('views.publish'));
  return {
    async post(channel, message, threadTs, metadata, options) {
      await channelPost(channel, options?.maxWaitMs ?? defaultPostWaitMs);
      return inner.post(channel, message, threadTs, metadata, options);
    },
    async findInThread(channel, threadTs, matches) {
      // One turn for up to five pages: a deployment's thread rarely needs a second.
      await method('conversations.replies');
      return inner.findInThread(channel, threadTs, matches);
    },
    // chat.getPermalink allows hundreds of calls a minute: a page needs one.
    ...(inner.permalink ? { permalink: inner.permalink.bind(inner) } : {}),
    update(channel, ts, message) {
      return edit(`${channel} ${ts}`, () => inner.update(channel, ts, message));
    },
    publishHome(userId, view) {
      return publish(userId, () => inner.publishHome(userId, view));
    },
    async pin(channel, ts) {
      await method('pins.add');
      return inner.pin(channel, ts);
    },
    async ephemeral(channel, user, message) {
      await method('chat.postEphemeral');
      return inner.ephemeral(channel, user, message);
    },
    async upload(channel, file) {
      await method('files.getUploadURLExternal');
      await method('files.completeUploadExternal');
      await channelPost(channel, defaultPostWaitMs);
      return inner.upload(channel, file);
    },
  };
}

/**
 * Calls under one key run one after another, each after `turn()`. A call made while an earlier
 * one of its key still waits for its turn takes that one's place: only the newest is made, and
 * every caller it replaced gets its outcome.
 */
export function coalesceByKey(turn: () => Promise<void>) {
  const waiting = new Map<string, { call: () => Promise<void>; done: Promise<void> }>();
  const running = new Map<string, Promise<void>>();
  return (key: string, call: () => Promise<void>): Promise<void> => {
    const queued = waiting.get(key);
    if (queued) {
      queued.call = call;
      return queued.done;
    }
    const before = running.get(key);
    const entry = { call, done: Promise.resolve() };
    entry.done = (async () => {
      // The previous call of this key goes first, whatever its outcome.
      await before;
      try {
        await turn();
      } finally {
        // From here a new call of this key waits for this one instead of replacing it.
        waiting.delete(key);
      }
      await entry.call();
    })();
    waiting.set(key, entry);
    const settled = entry.done.then(
      () => undefined,
      () => undefined,
    );
    running.set(key, settled);
    void settled.then(() => {
      if (running.get(key) === settled) running.delete(key);
    });
    return entry.done;
  };
}
