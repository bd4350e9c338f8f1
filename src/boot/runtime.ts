import { join, resolve } from 'node:path';
import type { CustomRoute } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { alertmanagerRoute } from '../../commands/alertmanager-webhook.js';
import type { Config } from '../config.js';
import { reconcileAlone, startReconciler } from '../deploy/flow/reconcile.js';
import { createOwner } from '../deploy/flow/step-owner.js';
import { startTimerWakeups } from '../deploy/flow/timers.js';
import { createNotifiers } from '../infra/notify/create-notifiers.js';
import { createRedis } from '../infra/queue/connections.js';
import { createQueues, type Queues } from '../infra/queue/queues.js';
import { createWakeups, promoteIn } from '../infra/queue/wakeups.js';
import { pickSecrets } from '../infra/run/step-environment.js';
import { createMessenger } from '../infra/slack/messenger.js';
import { paceMessenger } from '../infra/slack/pace-messenger.js';
import { createSlackPacer } from '../infra/slack/pace-slack-calls.js';
import type { Metrics } from '../infra/web/metrics.js';
import type { Logger } from '../log.js';
import type { Plan } from '../plan/schema.js';
import type { DeployDeps, DeploySettings } from '../ports.js';
import { createSlackApp } from './slack-app.js';
import { startWorkers, type Workers } from './workers.js';

export type ProcessRole = 'web' | 'worker' | 'all';

export interface Runtime {
  deps: DeployDeps;
  slack: ReturnType<typeof createSlackApp>;
  queues: Queues;
  workers?: Workers | undefined;
  producer: Redis;
  workerConnection?: Redis | undefined;
  stop(options?: { force?: boolean; graceMs?: number }): Promise<void>;
}

export function settingsFrom(
  config: Config,
  plan: Plan,
  stepEnv: Record<string, string> = {},
  /** Stagecoach's own environment: the plan's `secrets:` are read from it by name, nothing else. */
  botEnv: NodeJS.ProcessEnv = {},
): DeploySettings {
  const secretEnv = pickSecrets(plan, botEnv);
  const appDbPassword = config.appDatabaseUrl ? new URL(config.appDatabaseUrl).password : '';
  return {
    workspaceDir: resolve(config.workspaceDir),
    backupDir: resolve(config.backupDir ?? join(config.workspaceDir, 'backups')),
    appDatabaseUrl: config.appDatabaseUrl,
    healthcheckUrl: config.healthcheckUrl,
    prometheusUrl: config.prometheusUrl,
    appLogFile: config.appLogFile,
    timeScale: config.timeScale,
    decisionScale: config.decisionScale,
    adminUserIds: config.adminUserIds,
    channels: {
      deployment: config.channels.deployment ?? plan.channels.deployment,
      management: config.channels.management ?? plan.channels.management,
      support: config.channels.support ?? plan.channels.support,
    },
    secrets: [
      config.slack.botToken,
      config.slack.signingSecret,
      config.slack.appToken,
      config.statuspage?.apiKey,
      appDbPassword ? decodeURIComponent(appDbPassword) : undefined,
      ...Object.values(secretEnv),
    ].filter((secret): secret is string => Boolean(secret)),
    stepEnv,
    secretEnv,
  };
}

/** Builds the real dependencies and wires them: the same code path for production, local mode and tests. */
export async function createRuntime(input: {
  config: Config;
  plan: Plan;
  db: pg.Pool;
  log: Logger;
  role: ProcessRole;
  botToken: string;
  signingSecret: string;
  apiUrl?: string | undefined;
  queuePrefix?: string;
  processBeforeResponse?: boolean;
  customRoutes?: CustomRoute[];
  slackRetries?: number;
  /** Pace Slack calls under its rate limits; default config.slack.pacing, else only without apiUrl (Slack itself). */
  slackPacing?: boolean;
  clock?: () => Date;
  reconcileIntervalMs?: number;
  stepEnv?: Record<string, string>;
  /** Where the plan's `secrets:` are read from; process.env unless a test says otherwise. */
  botEnv?: NodeJS.ProcessEnv;
  metrics?: Metrics;
}): Promise<Runtime> {
  const { config, plan, db, log } = input;
  const shutdown = new AbortController();
  const producer = createRedis(config.redisUrl, 'producer');
  producer.on('error', (error) => log.warn({ err: error }, 'redis (producer) error'));
  const queues = createQueues(producer, input.queuePrefix);
  // Built before the messenger exists: Bolt owns the WebClient, the messenger wraps it.
  const deps: DeployDeps = {
    db,
    plan,
    queues,
    messenger: undefined as never,
    metrics: input.metrics,
    shutdown: shutdown.signal,
    clock: input.clock ?? (() => new Date()),
    log,
    settings: settingsFrom(config, plan, input.stepEnv, input.botEnv ?? process.env),
    owner: createOwner(),
    wakeups: createWakeups(promoteIn(queues.timers), {
      onError: (error, jobId) =>
        log.warn({ err: error, jobId }, 'could not wake a timer job; it fires a little later'),
    }),
  };
  const slack = createSlackApp({
    deps,
    botToken: input.botToken,
    signingSecret: input.signingSecret,
    apiUrl: input.apiUrl,
    appToken: config.slack.appToken,
    processBeforeResponse: input.processBeforeResponse ?? false,
    // Alertmanager alerts in: answered 404 ("off") until ALERTMANAGER_WEBHOOK_TOKEN is set.
    customRoutes: [...(input.customRoutes ?? []), alertmanagerRoute(deps, config.alertmanagerToken)],
    retries: input.slackRetries ?? 3,
  });
  const messenger = createMessenger(slack.app.client, deps.metrics);
  const paced = input.slackPacing ?? (config.slack.pacing ? config.slack.pacing === 'on' : !input.apiUrl);
  deps.messenger = paced
    ? paceMessenger(
        messenger,
        createSlackPacer({ redis: producer, prefix: queues.prefix, signal: shutdown.signal, log }),
      )
    : messenger;
  deps.notifiers = createNotifiers(config, deps.messenger);
  // Start-up says which outside channels are on, so a missing variable is noticed before a page.
  const on = Object.keys(deps.notifiers);
  if (config.alertmanagerToken) on.push('alertmanager');
  const off = ['email', 'status_page', 'in_app', 'pagerduty', 'github', 'alertmanager'].filter(
    (channel) => !on.includes(channel),
  );
  deps.log.info(
    { on, off, slackPacing: paced },
    `integrations on: ${on.join(', ')}${off.length > 0 ? `; off (not configured): ${off.join(', ')}` : ''}`,
  );
  await slack.app.init();

  let workers: Workers | undefined;
  let workerConnection: Redis | undefined;
  let reconciler: ReturnType<typeof startReconciler> | undefined;
  let timerWakeups: ReturnType<typeof startTimerWakeups> | undefined;
  if (input.role !== 'web') {
    workerConnection = createRedis(config.redisUrl, 'worker');
    workerConnection.on('error', (error) => log.warn({ err: error }, 'redis (worker) error'));
    workers = startWorkers(deps, workerConnection, queues.prefix);
    await reconcileAlone(deps, workerConnection);
    reconciler = startReconciler(deps, workerConnection, input.reconcileIntervalMs);
    timerWakeups = startTimerWakeups(deps);
  }
  return {
    deps,
    slack,
    queues,
    workers,
    producer,
    workerConnection,
    async stop(options = {}) {
      timerWakeups?.stop();
      deps.wakeups?.close();
      await reconciler?.stop();
      if (workers && !options.force && options.graceMs !== undefined) {
        // Running steps get the grace period; after it their commands are stopped and the runs
        // left `running`, for the next reconciler to mark interrupted (never lost, never re-run).
        const closed = workers.close(false).then(() => true);
        const finished = await Promise.race([
          closed,
          new Promise<false>((resolve) => setTimeout(() => resolve(false), options.graceMs).unref()),
        ]);
        if (!finished) {
          shutdown.abort();
          await closed;
        }
      } else {
        await workers?.close(options.force ?? false);
      }
      await queues.close();
      await Promise.all([
        producer.quit().catch(() => undefined),
        workerConnection?.quit().catch(() => undefined),
      ]);
    },
  };
}
