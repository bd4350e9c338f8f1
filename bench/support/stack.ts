import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { pino } from 'pino';
import { createRuntime, type ProcessRole, type Runtime } from '../../src/boot/runtime.js';
import { loadConfig } from '../../src/config.js';
import { createPool } from '../../src/infra/db/pool.js';
import { stepEnvironment } from '../../src/infra/run/step-environment.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/schema.js';
import { startHealthyPrometheus } from '../../test/faults/support/healthy-prometheus.js';
import { type FakeSlack, startFakeSlack } from '../../test/support/fake-slack.js';
import { startHealthServer } from '../../test/support/health-server.js';
import { createSlackClient } from '../../test/support/slack-requests.js';
import { makeWorkspace, type Workspace } from '../../test/support/workspace.js';
import { resetTables } from './databases.js';

export const signingSecret = 'bench-signing-secret';
export const users = { lead: 'ULEAD', dba: 'UDBA', project: 'UPROJECT', admin: 'UADMIN' } as const;

export interface Stack {
  runtime: Runtime;
  slack: FakeSlack;
  client: ReturnType<typeof createSlackClient>;
  workspace: Workspace;
  db: pg.Pool;
  plan: Plan;
  baseUrl: string;
  /** Graceful: running jobs finish; queued ones stay behind in the bench's own Redis. */
  close(): Promise<void>;
}

/**
 * The real runtime as production wires it (processBeforeResponse false: the HTTP answer leaves at
 * ack()), on a node:http server, against this run's databases, Redis, a fake Slack and a sample workspace.
 */
export async function startStack(input: {
  databaseUrl: string;
  appDatabaseUrl: string;
  redisUrl: string;
  plan?: (plan: Plan) => Plan;
  env?: Record<string, string>;
  role?: ProcessRole;
  /** A Slack stand-in elsewhere (the load thread's) for the runtime to call instead of the local one. */
  slackApiUrl?: string;
  /** The product's info log as JSON lines in this file (e.g. to read "timer fired" lateness), instead of silence. */
  logFile?: string;
  /** Bench-side marks (support/phase-marks.ts): sees the pool before the product uses it, and each request as it arrives. */
  instrument?: { watchPool(pool: pg.Pool): void; wrapListener(listener: RequestListener): RequestListener };
}): Promise<Stack> {
  const slack = await startFakeSlack();
  const workspace = await makeWorkspace();
  const health = await startHealthServer();
  const prometheus = await startHealthyPrometheus();
  await writeFile(`${workspace.dir}/application.log`, '');
  const log = input.logFile
    ? pino(
        { level: 'info', base: { service: 'stagecoach' } },
        pino.destination({ dest: input.logFile, sync: false }),
      )
    : createLogger(process.env.BENCH_LOG_LEVEL ?? 'silent');
  // The production pool (default size, 5 s connection timeout), so pool pressure behaves as it would in production.
  const db = createPool(input.databaseUrl, (error) => log.error({ err: error }, 'postgres pool error'));
  input.instrument?.watchPool(db);
  await resetWithRoles(db);
  const config = loadConfig({
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    SLACK_BOT_TOKEN: 'xoxb-bench-token',
    SLACK_SIGNING_SECRET: signingSecret,
    WORKSPACE_DIR: workspace.dir,
    APP_DATABASE_URL: input.appDatabaseUrl,
    APP_LOG_FILE: `${workspace.dir}/application.log`,
    HEALTHCHECK_URL: health.url,
    PROMETHEUS_URL: prometheus.url,
    ADMIN_USER_IDS: users.admin,
    DEPLOY_CHANNEL_ID: 'C_DEPLOY',
    MANAGEMENT_CHANNEL_ID: 'C_MGMT',
    SUPPORT_CHANNEL_ID: 'C_SUPPORT',
    TIME_SCALE: '1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    ...input.env,
  });
  const basePlan = loadPlan('templates/plans/medplum-v4.yaml');
  const plan = input.plan ? input.plan(basePlan) : basePlan;
  const runtime = await createRuntime({
    config,
    plan,
    db,
    log,
    role: input.role ?? 'all',
    botToken: 'xoxb-bench-token',
    signingSecret,
    apiUrl: input.slackApiUrl ?? slack.url,
    queuePrefix: `bench-${randomUUID()}`,
    processBeforeResponse: false,
    stepEnv: stepEnvironment(process.env),
  });
  const receiver = runtime.slack.receiver;
  if (!receiver) throw new Error('HTTP receiver expected');
  const listener = receiver.requestListener as RequestListener;
  const server: Server = createServer(input.instrument ? input.instrument.wrapListener(listener) : listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createSlackClient({ baseUrl, signingSecret, responseUrl: (id) => slack.responseUrl(id) });
  return {
    runtime,
    slack,
    client,
    workspace,
    db,
    plan,
    baseUrl,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // The bench's Redis is its own and is thrown away at the end: queued jobs need no cleanup.
      // Running jobs get a minute to finish; a stuck one must not hang the bench.
      const stopped = await Promise.race([
        runtime.stop().then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref()),
      ]);
      if (!stopped) log.warn('runtime did not stop within 60 s; going on');
      await db.end();
      await slack.close();
      await health.close();
      await prometheus.close();
      await workspace.cleanup();
    },
  };
}

/** In-process plan transformers (durations in ms). */
export const withEnvironments =
  (count: number) =>
  (plan: Plan): Plan => ({
    ...plan,
    environments: [...plan.environments, ...Array.from({ length: count }, (_, i) => `env-${i + 1}`)],
  });

/** People decide in real time while soaks pass at TIME_SCALE: the go/no-go deadline (30 minutes) stays out of a rehearsal's way. */
export const realTimeDecisions = { REHEARSAL_DECISION_SCALE: '1' } as const;

/** Empty tables, then the three people every bench clicks as, in their roles. */
export async function resetWithRoles(db: { query: (text: string, values?: unknown[]) => Promise<unknown> }) {
  await db.query(resetTables);
  await db.query(
    `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES
     ('deployment_lead', $1, 'bench'), ('database_admin', $2, 'bench'), ('project_lead', $3, 'bench')`,
    [users.lead, users.dba, users.project],
  );
}

/**
 * The environment of a product process (`src/main.ts`) in a bench: its fakes on loopback, its own
 * workspace and plan copy, people deciding in real time. Each part adds what it varies.
 */
export function productProcessEnv(input: {
  slackUrl: string;
  databaseUrl: string;
  appDatabaseUrl: string;
  redisUrl: string;
  workspaceDir: string;
  healthUrl: string;
  prometheusUrl: string;
  timeScale: string;
  deployChannel?: string;
}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: signingSecret,
    SLACK_API_URL: input.slackUrl,
    DATABASE_URL: input.databaseUrl,
    REDIS_URL: input.redisUrl,
    WORKSPACE_DIR: input.workspaceDir,
    APP_DATABASE_URL: input.appDatabaseUrl,
    APP_LOG_FILE: `${input.workspaceDir}/application.log`,
    HEALTHCHECK_URL: input.healthUrl,
    PROMETHEUS_URL: input.prometheusUrl,
    DEPLOY_CHANNEL_ID: input.deployChannel ?? 'C_DEPLOY',
    MANAGEMENT_CHANNEL_ID: 'C_MGMT',
    SUPPORT_CHANNEL_ID: 'C_SUPPORT',
    TIME_SCALE: input.timeScale,
    ...realTimeDecisions,
    QUEUE_PREFIX: 'bench',
    PLAN_FILE: `${input.workspaceDir}/plan.yaml`,
    LOG_LEVEL: 'info',
  };
}
