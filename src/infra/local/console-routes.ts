import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';
import type { Logger } from '../../log.js';
import { listAssignments } from '../db/roles.js';
import type { DemoUser } from './demo-users.js';
import { HttpError, parseLoose, readBody, sendJson } from './http-utils.js';
import { isLoopbackHost } from './loopback-host.js';
import { botUser, type MessageStore } from './message-store.js';
import {
  blockActionsBody,
  newTriggerId,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionBody,
} from './slack-forms.js';
import type { SlackStandIn } from './slack-stand-in.js';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are checked field by field below.
type Json = any;

const assets: Record<string, string> = {
  '/': 'index.html',
  '/assets/console.css': 'console.css',
  '/assets/console.js': 'console.js',
  '/assets/render-blocks.js': 'render-blocks.js',
  '/assets/render-mrkdwn.js': 'render-mrkdwn.js',
};
const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};
const publicDir = new URL('./public/', import.meta.url);
// Slack gives an app 3 seconds to acknowledge a command or a click.
const ACK_DEADLINE_MS = 3_000;

/**
 * The web console: the page, a state snapshot, a live feed, and the two things a person does in
 * Slack (type a command, click a button), sent to the real Bolt receiver as signed Slack requests.
 */
export function createConsoleRoutes(input: {
  store: MessageStore;
  standIn: SlackStandIn;
  users: readonly DemoUser[];
  db: pg.Pool;
  log: Logger;
  signingSecret: string;
  /** Where Slack would POST: this server's own /slack/events, over loopback. */
  eventsUrl: string;
  defaultChannel: string;
  workspaceDir: string;
}) {
  const { store, standIn, users, log } = input;
  const streams = new Set<ServerResponse>();

  const userOf = (id: unknown) => {
    const user = users.find((candidate) => candidate.id === id);
    if (!user)
      throw new HttpError(
        400,
        `unknown user ${String(id)}: pick one of ${users.map((u) => u.id).join(', ')}`,
      );
    return user;
  };
  const channelOf = (id: unknown) => {
    const channel = store.channel(typeof id === 'string' && id !== '' ? id : input.defaultChannel);
    if (!channel) throw new HttpError(400, `unknown channel ${String(id)}`);
    return channel;
  };

  /** POSTs a signed form to /slack/events, as Slack does; a late or failed ack is shown like Slack shows it. */
  const deliver = async (body: string) => {
    try {
      const reply = await fetch(input.eventsUrl, {
        method: 'POST',
        headers: signSlackRequest(input.signingSecret, body),
        body,
        signal: AbortSignal.timeout(ACK_DEADLINE_MS),
      });
      const text = await reply.text();
      return reply.ok
        ? { ok: true as const, text }
        : { ok: false as const, error: `http_error_${reply.status}` };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return { ok: false as const, error: timedOut ? 'operation_timeout' : 'dispatch_failed' };
    }
  };

  const stateOf = async () => {
    const assignments = await listAssignments(input.db);
    const rolesOf = (id: string) =>
      [...assignments].filter(([, ids]) => ids.includes(id)).map(([role]) => role);
    return {
      team: { id: 'T1', name: 'Stagecoach (local)' },
      bot: botUser,
      workspaceDir: input.workspaceDir,
      defaultChannel: input.defaultChannel,
      channels: store.channels(),
      users: users.map((user) => ({
        id: user.id,
        name: user.name,
        handle: user.handle,
        roles: rolesOf(user.id),
      })),
      messages: store.all(),
      views: store.views(),
    };
  };

  const runCommand = async (body: Json) => {
    const user = userOf(body.user);
    const channel = channelOf(body.channel);
    const typed = String(body.text ?? '').trim();
    const match = /^(?:\/deploy(?:\s+|$))?(.*)$/s.exec(typed);
    if (typed.startsWith('/') && !typed.startsWith('/deploy')) {
      throw new HttpError(400, `${typed.split(/\s/)[0]} is not a command here: Stagecoach answers /deploy`);
    }
    const text = (match?.[1] ?? '').trim();
    store.add({
      channel: channel.id,
      text: `/deploy ${text}`.trim(),
      blocks: [],
      author: user.id,
      kind: 'command',
      ephemeral: true,
      user: user.id,
    });
    const response = standIn.newResponseUrl({ user: user.id, channel: channel.id });
    const triggerId = newTriggerId();
    standIn.registerTrigger(triggerId, user.id);
    const reply = await deliver(
      slashCommandBody({ text, user, channel, responseUrl: response.url, triggerId }),
    );
    if (!reply.ok) {
      standIn.answer(response.id, { text: `/deploy failed with the error "${reply.error}"` });
      return { ok: false, error: reply.error };
    }
    // A command acked with a body shows that body to the user at once, as Slack does.
    if (reply.text.trim() !== '') standIn.answer(response.id, parseLoose(reply.text));
    return { ok: true, triggerId };
  };

  const clickButton = async (body: Json) => {
    const user = userOf(body.user);
    const channel = channelOf(body.channel);
    const message = store.find(channel.id, String(body.messageTs));
    if (!message || (message.ephemeral && message.user !== user.id))
      throw new HttpError(404, 'message_not_found');
    const button = findButton(message.blocks, String(body.actionId), body.blockId);
    if (!button)
      throw new HttpError(409, 'That button is no longer on the message: it changed since you saw it.');
    const response = standIn.newResponseUrl({
      user: user.id,
      channel: channel.id,
      messageTs: message.ts,
      threadTs: message.thread_ts,
    });
    const triggerId = newTriggerId();
    standIn.registerTrigger(triggerId, user.id);
    const reply = await deliver(
      blockActionsBody({
        user,
        channel,
        message,
        action: {
          actionId: button.actionId,
          blockId: button.blockId,
          value: button.value,
          text: button.text,
        },
        responseUrl: response.url,
        triggerId,
      }),
    );
    if (!reply.ok) {
      standIn.answer(response.id, {
        text: `That click failed: Stagecoach did not answer in time (${reply.error}).`,
      });
      return { ok: false, error: reply.error };
    }
    return { ok: true, triggerId };
  };

  /**
   * A modal submitted from the console: a signed view_submission, as Slack sends it. The app's
   * answer either closes the modal or names the fields to fix (response_action "errors").
   */
  const submitView = async (body: Json) => {
    const user = userOf(body.user);
    const open = store.view(String(body.viewId));
    if (!open || open.user !== user.id) throw new HttpError(404, 'view_not_found');
    if (body.cancel === true) {
      store.closeView(open.id);
      return { ok: true };
    }
    const values = (typeof body.values === 'object' && body.values !== null ? body.values : {}) as Record<
      string,
      { text?: string; option?: string }
    >;
    const reply = await deliver(
      viewSubmissionBody({ user, view: open.view, values, triggerId: newTriggerId() }),
    );
    if (!reply.ok) return { ok: false, error: reply.error };
    const answer = reply.text.trim() === '' ? {} : parseLoose(reply.text);
    if (answer && typeof answer === 'object' && (answer as Json).response_action === 'errors') {
      return { ok: false, errors: (answer as Json).errors };
    }
    store.closeView(open.id);
    return { ok: true };
  };

  const openStream = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    streams.add(res);
    const write = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.write('retry: 1000\n\n');
    const unsubscribe = store.subscribe((event) => write(event.type, event));
    // Proxies and browsers drop a silent stream; a comment line every 15 s keeps it open.
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    heartbeat.unref();
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', close);
    stateOf().then(
      (state) => write('snapshot', state),
      (error: unknown) => log.warn({ err: error }, 'could not send the console snapshot'),
    );
  };

  return {
    /** Handles the console's routes; false when the path is not one of them. */
    async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
      const route = `${req.method} ${url.pathname}`;
      const asset = req.method === 'GET' ? assets[url.pathname] : undefined;
      if (
        !asset &&
        ![
          'GET /events',
          'GET /console/state',
          'POST /console/command',
          'POST /console/action',
          'POST /console/view',
        ].includes(route)
      ) {
        return false;
      }
      refuseForeignPages(req);
      if (asset) {
        const body = await readFile(new URL(asset, publicDir));
        res.writeHead(200, {
          'content-type': contentTypes[asset.split('.').pop() ?? ''] ?? 'text/plain',
          'cache-control': 'no-store',
        });
        res.end(body);
      } else if (route === 'GET /events') {
        openStream(req, res);
      } else if (route === 'GET /console/state') {
        sendJson(res, 200, await stateOf());
      } else {
        const body = await readJson(req);
        const handlers = { 'POST /console/command': runCommand, 'POST /console/view': submitView };
        sendJson(res, 200, await (handlers[route as keyof typeof handlers] ?? clickButton)(body));
      }
      return true;
    },
    close() {
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
}

/**
 * The console runs real commands in WORKSPACE_DIR with no login, so only pages it served may use
 * it: a foreign Host (DNS rebinding) is refused, and JSON-only POSTs force a CORS preflight that a
 * foreign page cannot pass.
 */
function refuseForeignPages(req: IncomingMessage) {
  if (!isLoopbackHost(req.headers.host)) throw new HttpError(403, 'forbidden_host');
  if (req.method === 'POST' && !req.headers['content-type']?.startsWith('application/json')) {
    throw new HttpError(415, 'send application/json');
  }
}

async function readJson(req: IncomingMessage): Promise<Json> {
  try {
    const parsed = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed;
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'invalid_json');
  }
}

/** The button a click names, from the message as stored: a click on a button that is gone is refused. */
function findButton(blocks: Json[], actionId: string, blockId: unknown) {
  for (const block of blocks) {
    const elements: Json[] =
      block?.type === 'actions' ? (block.elements ?? []) : block?.accessory ? [block.accessory] : [];
    for (const element of elements) {
      if (element?.type !== 'button' || element.action_id !== actionId) continue;
      if (typeof blockId === 'string' && blockId !== '' && block.block_id !== blockId) continue;
      return {
        actionId,
        blockId: String(block.block_id ?? actionId),
        value: String(element.value ?? ''),
        text: element.text?.text as string | undefined,
      };
    }
  }
  return undefined;
}
