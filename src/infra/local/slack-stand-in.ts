import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoUser } from './demo-users.js';
import { parseLoose, readBody, sendJson } from './http-utils.js';
import { botUser, type LocalMessage, type MessageStore } from './message-store.js';
import { localTeam } from './slack-forms.js';
import { createFileStandIn } from './stand-in-files.js';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are open-ended JSON.
type Json = any;
type Args = Record<string, Json>;

/** Where an answer to a response_url lands: the person who typed or clicked, and where. */
export interface ResponseContext {
  user: string;
  channel: string;
  /** The message whose button was clicked; replace_original and delete_original act on it. */
  messageTs?: string | undefined;
  threadTs?: string | undefined;
}

const RESPONSE_URL_LIFETIME_MS = 30 * 60_000; // Slack: valid for 30 minutes
const RESPONSE_URL_USES = 5; // Slack: up to 5 answers per response_url

/**
 * The Slack Web API as Stagecoach uses it, answered from memory: enough for the real app to run
 * end to end without a workspace. Plain request handlers; the local-mode server routes to them.
 */
export function createSlackStandIn(input: {
  store: MessageStore;
  users: readonly DemoUser[];
  botToken: string;
  /** The server's base URL, e.g. http://127.0.0.1:3000 */
  publicUrl: string;
}) {
  const { store, users, botToken, publicUrl } = input;
  const responseUrls = new Map<string, ResponseContext & { expiresAt: number; usesLeft: number }>();
  /** trigger_id → the person who clicked or typed: views.open opens the modal for them. */
  const triggers = new Map<string, string>();
  const files = createFileStandIn({ store, publicUrl });

  const userInfo = (id: string) => {
    const known = users.find((user) => user.id === id);
    const name = known?.handle ?? id.toLowerCase();
    const realName = known?.name ?? `User ${id}`;
    return {
      id,
      team_id: localTeam.id,
      name,
      real_name: realName,
      tz: 'Etc/UTC',
      is_bot: false,
      profile: { display_name: name, real_name: realName, email: `${name}@example.test` },
    };
  };

  const slackMessage = (m: LocalMessage) => ({
    type: 'message',
    ...(m.author === botUser.id ? { user: botUser.id, bot_id: botUser.botId } : { user: m.author }),
    text: m.text,
    blocks: m.blocks,
    ts: m.ts,
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
  });

  const postAsBot = (args: Args, recipient?: string): Json => {
    if (typeof args.channel !== 'string' || args.channel === '')
      return { ok: false, error: 'channel_not_found' };
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return { ok: false, error: 'no_text' };
    }
    return store.add({
      channel: args.channel,
      ...(typeof args.thread_ts === 'string' && args.thread_ts !== '' ? { thread_ts: args.thread_ts } : {}),
      ...(args.reply_broadcast === true || args.reply_broadcast === 'true' ? { broadcast: true } : {}),
      text: typeof args.text === 'string' ? args.text : '',
      blocks: Array.isArray(args.blocks) ? args.blocks : [],
      author: botUser.id,
      kind: 'message',
      ephemeral: recipient !== undefined,
      ...(recipient !== undefined ? { user: recipient } : {}),
    });
  };

  const findPosted = (args: Args) => {
    const message = store.find(String(args.channel), String(args.ts));
    return message && !message.ephemeral ? message : undefined;
  };

  const methods: Record<string, (args: Args) => Json> = {
    'auth.test': () => ({
      ok: true,
      url: `${publicUrl}/`,
      team: 'Stagecoach (local)',
      user: 'stagecoach',
      team_id: localTeam.id,
      user_id: botUser.id,
      bot_id: botUser.botId,
    }),
    'chat.postMessage': (args) => {
      const posted = postAsBot(args);
      if (!posted.ts) return posted;
      return { ok: true, channel: posted.channel, ts: posted.ts, message: slackMessage(posted) };
    },
    'chat.postEphemeral': (args) => {
      if (typeof args.user !== 'string') return { ok: false, error: 'user_not_in_channel' };
      const posted = postAsBot(args, args.user);
      return posted.ts ? { ok: true, message_ts: posted.ts } : posted;
    },
    'chat.update': (args) => {
      const message = findPosted(args);
      if (!message) return { ok: false, error: 'message_not_found' };
      store.update(message, {
        text: args.text === undefined ? undefined : String(args.text),
        blocks: Array.isArray(args.blocks) ? args.blocks : undefined,
      });
      return {
        ok: true,
        channel: message.channel,
        ts: message.ts,
        text: message.text,
        message: slackMessage(message),
      };
    },
    'pins.add': (args) => {
      const message = findPosted({ channel: args.channel, ts: args.timestamp });
      if (!message) return { ok: false, error: 'message_not_found' };
      if (message.pinned) return { ok: false, error: 'already_pinned' };
      store.update(message, { pinned: true });
      return { ok: true };
    },
    'chat.delete': (args) => {
      const message = findPosted(args);
      if (!message) return { ok: false, error: 'message_not_found' };
      store.remove(message);
      return { ok: true, channel: message.channel, ts: message.ts };
    },
    'chat.getPermalink': (args) => ({
      ok: true,
      channel: args.channel,
      permalink: `${publicUrl}/#${encodeURIComponent(String(args.channel))}/${encodeURIComponent(String(args.message_ts))}`,
    }),
    'conversations.info': (args) => {
      const channel = store.channel(String(args.channel));
      if (!channel) return { ok: false, error: 'channel_not_found' };
      return {
        ok: true,
        channel: {
          id: channel.id,
          name: channel.name,
          is_channel: true,
          is_member: true,
          purpose: { value: channel.purpose },
        },
      };
    },
    'conversations.list': () => ({
      ok: true,
      channels: store.channels().map((c) => ({ id: c.id, name: c.name, is_channel: true, is_member: true })),
      response_metadata: { next_cursor: '' },
    }),
    'conversations.history': (args) => ({
      ok: true,
      messages: store
        .all()
        .filter((m) => m.channel === args.channel && !m.ephemeral && (!m.thread_ts || m.thread_ts === m.ts))
        .reverse()
        .map(slackMessage),
      has_more: false,
    }),
    'conversations.replies': (args) => ({
      ok: true,
      messages: store
        .all()
        .filter(
          (m) => m.channel === args.channel && !m.ephemeral && (m.ts === args.ts || m.thread_ts === args.ts),
        )
        .map(slackMessage),
      has_more: false,
    }),
    'users.info': (args) => ({ ok: true, user: userInfo(String(args.user)) }),
    'users.list': () => ({
      ok: true,
      members: users.map((user) => userInfo(user.id)),
      response_metadata: { next_cursor: '' },
    }),
    // A modal opens for the person whose click or command made the trigger, as in Slack.
    'views.open': (args) => {
      const user = typeof args.trigger_id === 'string' ? triggers.get(args.trigger_id) : undefined;
      if (!user) return { ok: false, error: 'invalid_trigger_id' };
      const result = viewResult(args) as { ok: true; view: Json };
      store.openView({ id: String(result.view.id), user, view: result.view });
      return result;
    },
    'views.push': viewResult,
    'views.update': viewResult,
    'views.publish': (args) =>
      typeof args.user_id === 'string' ? viewResult(args) : { ok: false, error: 'user_not_found' },
    ...files.methods,
  };

  /** Shows an answer (a respond() body, or a command's ack body) as Slack would. */
  const answer = (id: string, raw: unknown): { ok: boolean; error?: string } => {
    const context = responseUrls.get(id);
    if (!context || context.expiresAt < Date.now() || context.usesLeft <= 0)
      return { ok: false, error: 'expired_url' };
    context.usesLeft -= 1;
    const body: Args = typeof raw === 'string' ? { text: raw } : ((raw ?? {}) as Args);
    const original = context.messageTs ? store.find(context.channel, context.messageTs) : undefined;
    if (body.delete_original === true || body.delete_original === 'true') {
      if (original) store.remove(original);
      return { ok: true };
    }
    const content = {
      text: typeof body.text === 'string' ? body.text : '',
      blocks: Array.isArray(body.blocks) ? body.blocks : [],
    };
    if ((body.replace_original === true || body.replace_original === 'true') && original) {
      store.update(original, content);
      return { ok: true };
    }
    const inChannel = body.response_type === 'in_channel';
    store.add({
      channel: context.channel,
      ...(context.threadTs ? { thread_ts: context.threadTs } : {}),
      ...content,
      author: botUser.id,
      kind: 'message',
      ephemeral: !inChannel,
      ...(inChannel ? {} : { user: context.user }),
    });
    return { ok: true };
  };

  return {
    /** `/api/<method>`: Web API calls, plus the upload and download URLs that files.* hand out. */
    async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const method = url.pathname.slice('/api/'.length);
      const body = await readBody(req);
      if (files.transfer(req, res, method, body)) return;
      let args: Args;
      try {
        args = {
          ...Object.fromEntries(url.searchParams),
          ...parseArgs(req.headers['content-type'], body.toString('utf8')),
        };
      } catch {
        return sendJson(res, 200, { ok: false, error: 'invalid_json' });
      }
      const token = /^Bearer (\S+)/.exec(req.headers.authorization ?? '')?.[1] ?? args.token;
      if (!token) return sendJson(res, 200, { ok: false, error: 'not_authed' });
      if (token !== botToken) return sendJson(res, 200, { ok: false, error: 'invalid_auth' });
      return sendJson(res, 200, methods[method]?.(args) ?? { ok: true });
    },

    /** A trigger_id about to be sent for `user`'s click or command (Slack's are valid 3 s; kept a minute here). */
    registerTrigger(triggerId: string, user: string) {
      triggers.set(triggerId, user);
      setTimeout(() => triggers.delete(triggerId), 60_000).unref();
    },

    /** A response_url for a request about to be sent; answers to it reach `context.user`. */
    newResponseUrl(context: ResponseContext): { id: string; url: string } {
      const id = randomUUID();
      responseUrls.set(id, {
        ...context,
        expiresAt: Date.now() + RESPONSE_URL_LIFETIME_MS,
        usesLeft: RESPONSE_URL_USES,
      });
      return { id, url: `${publicUrl}/response/${id}` };
    },

    /** `POST /response/<id>`: what Bolt's respond() sends. */
    async handleResponse(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
      const id = decodeURIComponent(url.pathname.slice('/response/'.length));
      const body = parseLoose((await readBody(req)).toString('utf8'));
      const result = answer(id, body);
      return sendJson(res, result.ok ? 200 : 404, result);
    },

    answer,
  };
}

export type SlackStandIn = ReturnType<typeof createSlackStandIn>;

function viewResult(args: Args): Json {
  const view = typeof args.view === 'object' && args.view !== null ? args.view : {};
  return {
    ok: true,
    view: { id: `V${randomBytes(4).toString('hex').toUpperCase()}`, team_id: localTeam.id, ...view },
  };
}

function parseArgs(contentType: string | undefined, body: string): Args {
  if (body === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(body);
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // @slack/web-api sends object arguments as JSON strings; `text` is free text, never parsed.
    args[key] = key !== 'text' && /^[[{]/.test(value) ? parseLoose(value) : value;
  }
  return args;
}
