import type { LocalMessage } from '../src/infra/local/message-store.js';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit is open-ended JSON; only buttons are read here.
type Json = any;

export interface Button {
  actionId: string;
  text: string;
  value: string;
}

/** The buttons a message shows now: a decided prompt has none. */
export function buttonsOf(message: Pick<LocalMessage, 'blocks'>): Button[] {
  const elements: Json[] = message.blocks.flatMap((block: Json) =>
    block?.type === 'actions' ? (block.elements ?? []) : block?.accessory ? [block.accessory] : [],
  );
  return elements
    .filter((element) => element?.type === 'button')
    .map((element) => ({
      actionId: String(element.action_id),
      text: String(element.text?.text ?? element.action_id),
      value: String(element.value ?? ''),
    }));
}

const MAX_LINES = 8;

/**
 * Prints the stand-in workspace's conversation as it happens, readable in a terminal: seconds since
 * the start, channel, who, text; thread replies indented, buttons in brackets.
 */
export function createTranscript(input: {
  channelName: (id: string) => string;
  userName: (id: string) => string;
  write?: (line: string) => void;
}) {
  const write = input.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const seen = new Map<string, { updates: number; text: string }>();
  let startedAt = Date.now();

  // Real seconds: plan time would mislead, since steps run at real speed and only waits are scaled.
  const stamp = (at = Date.now()) => `+${(Math.max(0, at - startedAt) / 1000).toFixed(1)}s`.padStart(7);

  /** Slack's mrkdwn, made plain: mentions by handle, links by label, entities decoded. */
  const plain = (text: string) =>
    text
      .replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_m, id: string) => `@${input.userName(id)}`)
      .replace(
        /<#([A-Z0-9_]+)(?:\|([^>]*))?>/g,
        (_m, id: string, name?: string) => `#${name || input.channelName(id)}`,
      )
      .replace(/<!(here|channel|everyone)>/g, '@$1')
      .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
      .replace(/<(https?:[^>]+)>/g, '$1')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');

  const line = (channel: string, threaded: boolean, who: string, text: string, at?: number) => {
    const lines = plain(text)
      .split('\n')
      .filter((l) => l.trim() !== '' && l.trim() !== '```');
    const shown = lines.slice(0, MAX_LINES);
    if (lines.length > MAX_LINES) shown.push(`… (${lines.length - MAX_LINES} more lines)`);
    const head = `${stamp(at)} ${`#${input.channelName(channel)}`.padEnd(13)} ${threaded ? '  ↳ ' : ''}${who}${shown.length > 0 ? ': ' : ''}`;
    const indent = ' '.repeat(head.length);
    write(`${head}${shown[0] ?? ''}`);
    for (const rest of shown.slice(1)) write(`${indent}${rest}`);
  };

  const who = (message: LocalMessage) =>
    message.author === 'UBOT' ? 'Stagecoach' : `@${input.userName(message.author)}`;
  const isReply = (message: LocalMessage) => Boolean(message.thread_ts && message.thread_ts !== message.ts);
  const describe = (message: LocalMessage) => {
    const buttons = buttonsOf(message).map((b) => `[${b.text}]`);
    const visibility =
      message.ephemeral && message.author === 'UBOT' && message.user
        ? `  (only @${input.userName(message.user)} sees this)`
        : '';
    return `${message.text}${buttons.length > 0 ? `\n${buttons.join(' ')}` : ''}${visibility}`;
  };

  return {
    /** The clock starts now (the deployment's start). */
    start() {
      startedAt = Date.now();
    },
    /** Prints what is new since the last call: new messages, and thread messages whose text changed (a decided prompt). */
    show(messages: readonly LocalMessage[]) {
      const fresh = messages
        .filter((m) => !seen.has(`${m.channel}/${m.ts}`))
        .sort((a, b) => Number(a.ts) - Number(b.ts));
      // Edits first noted, then printed after the new messages: they happen now, after those were posted.
      const edits = new Map<string, { message: LocalMessage; added: string; count: number }>();
      for (const message of messages) {
        const known = seen.get(`${message.channel}/${message.ts}`);
        if (!known || known.updates === message.updates) continue;
        known.updates = message.updates;
        // The root message is edited at every step; its edits would drown the conversation.
        if (!isReply(message) || known.text === message.text) continue;
        // A decided prompt keeps its text and gains who decided: show what was added.
        const added = message.text.startsWith(known.text)
          ? `… ${message.text.slice(known.text.length).trim()}`
          : message.text;
        known.text = message.text;
        const key = `${message.channel}\n${added}\n${buttonsOf(message).length}`;
        const same = edits.get(key);
        if (same) same.count += 1;
        else edits.set(key, { message, added, count: 1 });
      }
      for (const message of fresh) {
        seen.set(`${message.channel}/${message.ts}`, { updates: message.updates, text: message.text });
        // A typed command is echoed to its author only; the transcript shows it like any message.
        // Slack's ts is the posting time in seconds.
        line(message.channel, isReply(message), who(message), describe(message), Number(message.ts) * 1000);
      }
      for (const { message, added, count } of edits.values()) {
        const where = count > 1 ? ` (${count} messages)` : '';
        line(
          message.channel,
          true,
          `${who(message)} (edited)${where}`,
          describe({ ...message, text: added }),
        );
      }
    },
    click(channel: string, threaded: boolean, button: Button, userId: string) {
      line(channel, threaded, `[${button.text}] clicked by @${input.userName(userId)}`, '');
    },
    note(text: string) {
      write(`${stamp()} ── ${text}`);
    },
    plain,
  };
}
