import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CustomRoute } from '@slack/bolt';
import type pg from 'pg';
import type { Config } from '../config.js';
import { createConsoleRoutes } from '../infra/local/console-routes.js';
import { demoUsers, seedDemoRoles } from '../infra/local/demo-users.js';
import { HttpError, sendJson } from '../infra/local/http-utils.js';
import { isLoopbackHost } from '../infra/local/loopback-host.js';
import { createMessageStore } from '../infra/local/message-store.js';
import { loadLocalMessages, persistMessageStore } from '../infra/local/persisted-messages.js';
import { type SampleApp, useSampleApp, wantsSampleApp } from '../infra/local/sample-app.js';
import { createSlackStandIn, type SlackStandIn } from '../infra/local/slack-stand-in.js';
import { healthRoutes } from '../infra/web/health-routes.js';
import type { Logger } from '../log.js';
import type { Plan } from '../plan/schema.js';
import { createRuntime, type ProcessRole, type Runtime, settingsFrom } from './runtime.js';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/**
 * Local mode (`npm start` with no Slack credential outside production, or `npm start -- --local`):
 * the real app, wired exactly as in production, talking to an in-memory Slack on the same port,
 * with a web console at `/` to act as the demo users.
 */
export async function startLocalMode(input: {
  config: Config;
  plan: Plan;
  db: pg.Pool;
  log: Logger;
  role: ProcessRole;
  /** Overrides config.port; 0 picks a free port (tests). */
  port?: number;
  /** BullMQ key prefix (tests use a unique one). */
  queuePrefix?: string;
  /** The environment plan commands run with (see stepEnvironment); none by default. */
  stepEnv?: Record<string, string>;
  /**
   * Keeps the stand-in's channels and messages in Postgres under this name, so a restart finds
   * them and their buttons (`npm start`: `local`); without it they live in memory only.
   */
  messageStore?: string;
}): Promise<{ stop(options?: { force?: boolean }): Promise<void>; url: string }> {
  const log = input.log.child({ component: 'local' });
  // A fresh secret per run: the console signs its requests with it exactly as Slack would.
  const signingSecret = randomBytes(32).toString('hex');
  // And a fresh bot token: a fixed one would let anything that reaches the port post as the bot.
  const botToken = `xoxb-local-${randomBytes(24).toString('hex')}`;
  // The stand-in answers first (Bolt calls auth.test while it starts); the rest once the app is up.
  let standIn: SlackStandIn | undefined;
  let appRoutes: Handler | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    route(req, res, url).catch((error: unknown) => {
      if (!(error instanceof HttpError))
        log.error({ err: error, path: url.pathname }, 'local mode request failed');
      if (res.headersSent) return void res.end();
      sendJson(res, error instanceof HttpError ? error.status : 500, {
        ok: false,
        error: error instanceof HttpError ? error.code : 'internal_error',
      });
    });
  });
  const route: Handler = async (req, res, url) => {
    // Every route, the stand-in's Web API and response URLs as much as the console: a request that
    // names this server by anything but a loopback name and its port is a foreign page (DNS rebinding).
    if (!isLoopbackHost(req.headers.host, port)) throw new HttpError(403, 'forbidden_host');
    if (standIn && url.pathname.startsWith('/api/')) return standIn.handleApi(req, res, url);
    if (standIn && url.pathname.startsWith('/response/') && req.method === 'POST') {
      return standIn.handleResponse(req, res, url);
    }
    if (!appRoutes) return sendJson(res, 503, { ok: false, error: 'starting' });
    return appRoutes(req, res, url);
  };

  const port = await listen(server, input.port ?? input.config.port);
  const loopback = `http://127.0.0.1:${port}`;
  const url = `http://localhost:${port}`;
  let runtime: Runtime | undefined;
  let sampleApp: SampleApp | undefined;
  let saving: ReturnType<typeof persistMessageStore> | undefined;
  try {
    let baseConfig = input.config;
    if (wantsSampleApp(baseConfig)) {
      const sample = await useSampleApp(baseConfig, log);
      sampleApp = sample.app;
      baseConfig = sample.config;
    }
    // Local mode owns the Slack side: its own token and secret, over HTTP (never Socket Mode).
    const config: Config = {
      ...baseConfig,
      slack: {
        ...baseConfig.slack,
        botToken,
        signingSecret,
        appToken: undefined,
        apiUrl: `${loopback}/api/`,
      },
      // Someone must be able to try `/deploy role ...`: with no admins configured, the lead is one.
      adminUserIds: baseConfig.adminUserIds.length > 0 ? baseConfig.adminUserIds : ['ULEAD'],
    };
    const settings = settingsFrom(config, input.plan);
    const saved = input.messageStore ? await loadLocalMessages(input.db, input.messageStore) : undefined;
    const store = createMessageStore(
      [
        {
          id: settings.channels.deployment,
          name: 'deployments',
          purpose: 'Real-time communication for the deployment team',
        },
        {
          id: settings.channels.management,
          name: 'management',
          purpose: 'Status at key milestones: start, each stage, end',
        },
        {
          id: settings.channels.support,
          name: 'support',
          purpose: 'Briefings before, during and after the deployment',
        },
      ],
      saved,
    );
    if (input.messageStore) saving = persistMessageStore(input.db, input.messageStore, store, log);
    standIn = createSlackStandIn({ store, users: demoUsers, botToken, publicUrl: loopback });
    const seeded = await seedDemoRoles(input.db);
    runtime = await createRuntime({
      config,
      plan: input.plan,
      db: input.db,
      log: input.log,
      role: input.role,
      botToken,
      signingSecret,
      apiUrl: `${loopback}/api/`,
      processBeforeResponse: false,
      ...(input.queuePrefix ? { queuePrefix: input.queuePrefix } : {}),
      ...(input.stepEnv ? { stepEnv: input.stepEnv } : {}),
    });
    const receiver = runtime.slack.receiver;
    if (!receiver) throw new Error('local mode needs the HTTP receiver');
    const producer = runtime.producer;
    const health = healthRoutes({ db: input.db, redis: () => producer });
    const consoleRoutes = createConsoleRoutes({
      store,
      standIn,
      users: demoUsers,
      db: input.db,
      log,
      signingSecret,
      eventsUrl: `${loopback}/slack/events`,
      defaultChannel: settings.channels.deployment,
      workspaceDir: settings.workspaceDir,
    });
    appRoutes = async (req, res, requestUrl) => {
      // The real Bolt receiver: console requests reach the app exactly as Slack's would.
      if (requestUrl.pathname === '/slack/events') return receiver.requestListener(req, res);
      const healthRoute = findRoute(health, requestUrl.pathname, req.method);
      if (healthRoute) return void (await healthRoute.handler(req as never, res));
      if (await consoleRoutes.handle(req, res, requestUrl)) return;
      sendJson(res, 404, { ok: false, error: 'not_found' });
    };

    const line = `Stagecoach local console: ${url}`;
    log.info(
      {
        port,
        role: input.role,
        plan: input.plan.name,
        workspaceDir: settings.workspaceDir,
        seededRoles: seeded,
      },
      line,
    );
    // The one line a newcomer needs, whatever the log format.
    process.stdout.write(`${line}\n`);

    const started = runtime;
    return {
      url,
      /** Waits for a running step to finish unless `force` (tests). */
      async stop(options = {}) {
        consoleRoutes.close();
        await closeServer(server);
        await started.stop(options);
        await saving?.stop();
        await sampleApp?.stop();
      },
    };
  } catch (error) {
    await closeServer(server);
    await runtime?.stop({ force: true });
    await saving?.stop();
    await sampleApp?.stop();
    throw error;
  }
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`PORT ${port} is in use: stop what uses it, or set PORT to a free port`)
          : error,
      ),
    );
    // Loopback only: the console runs real commands and has no login.
    server.listen(port, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server) {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

function findRoute(routes: CustomRoute[], path: string, method = 'GET') {
  return routes.find((r) => r.path === path && [r.method].flat().includes(method));
}
