import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeFileMethods } from './fake-slack-files.js';
import { createRateLimiter, type RateLimitOptions } from './fake-slack-limits.js';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are open-ended JSON; tests index into them freely.
type Json = any;
type Args = Record<string, unknown>;

export interface SlackCall {
  method: string;
  /** Form or JSON fields; JSON-looking form values (blocks, attachments, metadata, view) parsed. */
  args: Args;
  at: number;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text: string;
  blocks: Json[];
  /** Set for ephemeral messages: the only user who sees it. */
  user?: string;
  ephemeral: boolean;
  /** How many chat.update calls changed this message. */
  updates: number;
  /** Message metadata given to chat.postMessage. */
  metadata?: Json;
  /** A thread reply also shown in the channel (reply_broadcast). */
  broadcast?: boolean;
  /** Pinned to the channel (pins.add). */
  pinned?: boolean;
}

export interface FakeResponse {
  url: string;
  body: Json;
  at: number;
}

export interface FailureOptions {
  status: 429 | 500;
  /** Sent as Retry-After with a 429; default 1. */
  retryAfterSeconds?: number;
  times?: number;
}

export interface FakeSlackOptions {
  /**
   * Enforce Slack's published per-method tiers and per-channel posting limit
   * (test/support/fake-slack-limits.ts): a call over its limit is answered HTTP 429 with
   * Retry-After and `{ ok: false, error: 'ratelimited' }`, as Slack does. Off by default.
   */
  rateLimits?: boolean | RateLimitOptions;
}

export interface FakeSlack {
  /** Pass as `slackApiUrl` (SLACK_API_URL). */
  url: string;
  baseUrl: string;
  /** Every Web API call in arrival order, except those answered by failNext() or the rate limits. */
  calls: SlackCall[];
  /** Calls answered 429 or 500 by failNext(). */
  rejected: SlackCall[];
  /** Calls answered 429 by the rate limits (startFakeSlack({ rateLimits })), with the bucket that refused. */
  ratelimited: (SlackCall & { bucket: string; retryAfterSeconds: number })[];
  /** Bodies POSTed to responseUrl() paths, as respond() sends them. */
  responses: FakeResponse[];
  responseUrl(id?: string): string;
  messages(channel?: string): FakeMessage[];
  thread(channel: string, ts: string): FakeMessage[];
  callsOf(method: string): SlackCall[];
  waitFor<T>(
    predicate: () => T | undefined | false,
    opts?: { timeoutMs?: number; label?: string },
  ): Promise<T>;
  /** The next `times` (default 1) calls of `method` get this status; replaces an earlier failNext for it. */
  failNext(method: string, opts: FailureOptions): void;
  reset(): void;
  close(): Promise<void>;
}

const BOT = { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'stagecoach' } as const;

/** A Slack Web API on loopback that records calls and keeps posted messages current. */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const rejected: SlackCall[] = [];
  const ratelimited: FakeSlack['ratelimited'] = [];
  const limits = options.rateLimits
    ? createRateLimiter(options.rateLimits === true ? {} : options.rateLimits)
    : undefined;
  const responses: FakeResponse[] = [];
  const stored: FakeMessage[] = [];
  const failures = new Map<string, Required<FailureOptions>>();
  // Not reset by reset(): a ts from before a reset must never name a newer message.
  let tsCounter = 0;
  const nextTs = () => {
    tsCounter += 100;
    const seconds = 1_700_000_000 + Math.floor(tsCounter / 1_000_000);
    return `${seconds}.${String(tsCounter % 1_000_000).padStart(6, '0')}`;
  };

  // Posts a message (or refuses, with Slack's error) after the checks Slack makes.
  const post = (args: Args, recipient?: string) => {
    if (typeof args.channel !== 'string') return { error: 'channel_not_found' } as const;
    if (args.text === undefined && args.blocks === undefined && args.attachments === undefined) {
      return { error: 'no_text' } as const;
    }
    const text = typeof args.text === 'string' ? args.text : '';
    const message: FakeMessage = {
      channel: args.channel,
      ts: nextTs(),
      text,
      blocks: asArray(args.blocks),
      ephemeral: recipient !== undefined,
      updates: 0,
    };
    if (typeof args.thread_ts === 'string') message.thread_ts = args.thread_ts;
    if (message.thread_ts && (args.reply_broadcast === true || args.reply_broadcast === 'true'))
      message.broadcast = true;
    if (args.metadata && typeof args.metadata === 'object') message.metadata = args.metadata as Json;
    if (recipient !== undefined) message.user = recipient;
    stored.push(message);
    return { message };
  };
  const findPosted = (args: Args) =>
    stored.find((m) => !m.ephemeral && m.channel === args.channel && m.ts === args.ts);

  const methods: Record<string, (args: Args) => Json> = {
    // files.uploadV2's two calls; the upload URL is one of this server's /response/ paths.
    ...fakeFileMethods((path) => `${baseUrl}/response/${path}`),
    'auth.test': () => ({
      ok: true,
      url: 'https://stagecoach-test.slack.com/',
      team: 'Stagecoach Test',
      ...BOT,
    }),
    'chat.postMessage': (args) => {
      const { message, error } = post(args);
      if (!message) return { ok: false, error };
      return { ok: true, channel: message.channel, ts: message.ts, message: asSlackMessage(message) };
    },
    'chat.postEphemeral': (args) => {
      if (typeof args.user !== 'string') return { ok: false, error: 'user_not_in_channel' };
      const { message, error } = post(args, args.user);
      return message ? { ok: true, message_ts: message.ts } : { ok: false, error };
    },
    // Slack's permalink format; a reply in a thread also names its thread.
    'chat.getPermalink': (args) => {
      const message = stored.find((m) => m.channel === args.channel && m.ts === args.message_ts);
      if (!message) return { ok: false, error: 'message_not_found' };
      const path = `https://stagecoach-test.slack.com/archives/${message.channel}/p${message.ts.replace('.', '')}`;
      return {
        ok: true,
        channel: message.channel,
        permalink: message.thread_ts ? `${path}?thread_ts=${message.thread_ts}&cid=${message.channel}` : path,
      };
    },
    'chat.update': (args) => {
      const message = findPosted(args);
      if (!message) return { ok: false, error: 'message_not_found' };
      // Like Slack, fields left out keep their old value.
      if (args.text !== undefined) message.text = String(args.text);
      if (args.blocks !== undefined) message.blocks = asArray(args.blocks);
      message.updates += 1;
      const { channel, ts, text } = message;
      return { ok: true, channel, ts, text, message: asSlackMessage(message) };
    },
    'pins.add': (args) => {
      const message = stored.find(
        (m) => !m.ephemeral && m.channel === args.channel && m.ts === args.timestamp,
      );
      if (!message) return { ok: false, error: 'message_not_found' };
      if (message.pinned) return { ok: false, error: 'already_pinned' };
      message.pinned = true;
      return { ok: true };
    },
    'chat.delete': (args) => {
      const message = findPosted(args);
      if (!message) return { ok: false, error: 'message_not_found' };
      stored.splice(stored.indexOf(message), 1);
      return { ok: true, channel: message.channel, ts: message.ts };
    },
    'views.open': (args) =>
      typeof args.trigger_id === 'string' ? viewResult(args) : { ok: false, error: 'invalid_trigger_id' },
    'views.update': viewResult,
    'views.publish': (args) =>
      typeof args.user_id === 'string' ? viewResult(args) : { ok: false, error: 'user_not_found' },
    // Like Slack: the parent, then its replies, oldest first; metadata only when asked for.
    'conversations.replies': (args) => ({
      ok: true,
      messages: stored
        .filter(
          (m) => !m.ephemeral && m.channel === args.channel && (m.ts === args.ts || m.thread_ts === args.ts),
        )
        .map((m) => {
          const { metadata, ...rest } = asSlackMessage(m) as Record<string, Json>;
          return args.include_all_metadata === true || args.include_all_metadata === 'true'
            ? { ...rest, ...(metadata ? { metadata } : {}) }
            : rest;
        }),
      has_more: false,
      response_metadata: { next_cursor: '' },
    }),
    'conversations.info': ({ channel }) => ({
      ok: true,
      channel: { id: channel, name: String(channel).toLowerCase(), is_channel: true, is_member: true },
    }),
    'users.info': ({ user }) => {
      const name = String(user).toLowerCase();
      const profile = { display_name: name, real_name: `User ${user}`, email: `${name}@example.test` };
      return {
        ok: true,
        user: { id: user, team_id: 'T1', name, real_name: profile.real_name, tz: 'Etc/UTC', profile },
      };
    },
  };

  const handleApi = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => {
    const method = url.pathname.slice('/api/'.length);
    let args: Args;
    try {
      args = { ...Object.fromEntries(url.searchParams), ...parseArgs(req.headers['content-type'], body) };
    } catch {
      return send(res, 200, { ok: false, error: 'invalid_json' });
    }
    const call: SlackCall = { method, args, at: Date.now() };
    const failure = takeFailure(method);
    if (failure) {
      rejected.push(call);
      if (failure.status === 429) {
        return send(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(failure.retryAfterSeconds) },
        );
      }
      return send(res, 500, { ok: false, error: 'internal_error' });
    }
    const limited = limits?.(method, args);
    if (limited) {
      ratelimited.push({ ...call, ...limited });
      return send(
        res,
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(limited.retryAfterSeconds) },
      );
    }
    calls.push(call);
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) {
      return send(res, 200, { ok: false, error: 'not_authed' });
    }
    return send(res, 200, methods[method]?.(args) ?? { ok: true });
  };

  const takeFailure = (method: string) => {
    const failure = failures.get(method);
    if (!failure) return undefined;
    failure.times -= 1;
    if (failure.times <= 0) failures.delete(method);
    return failure;
  };

  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        if (url.pathname.startsWith('/api/')) return handleApi(req, res, url, body);
        if (url.pathname.startsWith('/response/') && req.method === 'POST') {
          responses.push({ url: `${baseUrl}${url.pathname}`, body: parseLoose(body), at: Date.now() });
          return send(res, 200, { ok: true });
        }
        return send(res, 404, { ok: false, error: 'unknown_path' });
      })
      .catch((error: unknown) =>
        send(res, 500, { ok: false, error: 'fake_slack_crashed', detail: String(error) }),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `${baseUrl}/api/`,
    baseUrl,
    calls,
    rejected,
    ratelimited,
    responses,
    responseUrl: (id = randomUUID()) => `${baseUrl}/response/${encodeURIComponent(id)}`,
    messages: (channel) => stored.filter((m) => channel === undefined || m.channel === channel),
    thread: (channel, ts) => stored.filter((m) => m.channel === channel && m.thread_ts === ts && m.ts !== ts),
    callsOf: (method) => calls.filter((c) => c.method === method),
    waitFor: (predicate, opts) => waitFor(predicate, calls, opts),
    failNext(method, { status, retryAfterSeconds = 1, times = 1 }) {
      failures.set(method, { status, retryAfterSeconds, times });
    },
    reset() {
      calls.length = 0;
      rejected.length = 0;
      ratelimited.length = 0;
      responses.length = 0;
      stored.length = 0;
      failures.clear();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets from fetch would otherwise hold close() open until they time out.
      server.closeAllConnections();
      await closed;
    },
  };
}

async function waitFor<T>(
  predicate: () => T | undefined | false,
  calls: SlackCall[],
  { timeoutMs = 10_000, label = 'condition' }: { timeoutMs?: number; label?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    // A predicate that throws (say, reading a message not posted yet) just means "not yet".
    try {
      const value = predicate();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await sleep(20);
  }
  const recent = calls.slice(-10).map((c) => `  ${c.method} ${JSON.stringify(c.args).slice(0, 400)}`);
  const cause = lastError === undefined ? '' : `\nlast predicate error: ${String(lastError)}`;
  throw new Error(
    `fake Slack: timed out after ${timeoutMs}ms waiting for ${label}${cause}\nlast ${recent.length} calls:\n${recent.join('\n') || '  (none)'}`,
  );
}

function asSlackMessage(m: FakeMessage) {
  const { text, blocks, ts, thread_ts, metadata } = m;
  return {
    type: 'message',
    user: BOT.user_id,
    bot_id: BOT.bot_id,
    text,
    blocks,
    ts,
    ...(thread_ts ? { thread_ts } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

function viewResult(args: Args): Json {
  const view = typeof args.view === 'object' && args.view !== null ? args.view : {};
  return { ok: true, view: { id: `V${randomUUID().slice(0, 8).toUpperCase()}`, team_id: 'T1', ...view } };
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? value : [];
}

function parseArgs(contentType: string | undefined, body: string): Args {
  if (body === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(body);
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // @slack/web-api sends every object argument as a JSON string. `text` is free text that may
    // start with a bracket, so it is never parsed.
    args[key] = key !== 'text' && /^[[{]/.test(value) ? parseLoose(value) : value;
  }
  return args;
}

function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
