import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { appDatabaseUrl, testDatabaseUrl } from '../../support/databases.js';
import { type FakeSlack, startFakeSlack } from '../../support/fake-slack.js';
import { startHealthServer } from '../../support/health-server.js';
import { createSlackClient } from '../../support/slack-requests.js';
import { makeWorkspace, type Workspace } from '../../support/workspace.js';
import { type AppProcess, createAppProcess } from './app-process.js';
import { startHealthyPrometheus } from './healthy-prometheus.js';
import { type RawPlan, writePlanCopy } from './plan-file.js';
import { type PrivateRedis, startPrivateRedis } from './private-redis.js';
import { people } from './rehearsal.js';
import { startSlackProxy } from './slack-proxy.js';

export const faultSigningSecret = 'fault-test-secret';

export interface Product {
  app: AppProcess;
  slack: FakeSlack;
  workspace: Workspace;
  redis: PrivateRedis;
  db: pg.Pool;
  /** Where the product's own log goes; kept when a test fails. */
  logFile: string;
  client: ReturnType<typeof createSlackClient>;
  /** Between the product and the fake Slack, when asked for. */
  proxy?: Awaited<ReturnType<typeof startSlackProxy>> | undefined;
  deploymentState(id: number): Promise<string | undefined>;
  close(): Promise<void>;
}

/** People decide in real time while the plan's soaks pass at TIME_SCALE: the go/no-go deadline (30 minutes) stays out of a rehearsal's way. */
export const realTimeDecisions = { REHEARSAL_DECISION_SCALE: '1' } as const;

/**
 * The real product (`src/main.ts`) as a child process with a private Redis, a plan copy in its
 * workspace, the fake Slack and a health endpoint, against this run's database (or `databaseUrl`).
 */
export async function startProduct(input: {
  timeScale: string;
  editPlan?: (plan: RawPlan) => void;
  databaseUrl?: string;
  env?: Record<string, string>;
  /** Route the product's Web API calls through a proxy that can hold one in flight. */
  proxySlack?: boolean;
}): Promise<Product> {
  const databaseUrl = input.databaseUrl ?? testDatabaseUrl;
  const slack = await startFakeSlack();
  const workspace = await makeWorkspace();
  const health = await startHealthServer();
  const prometheus = await startHealthyPrometheus();
  const redis = await startPrivateRedis();
  const proxy = input.proxySlack ? await startSlackProxy(slack.url) : undefined;
  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  db.on('error', () => undefined);
  await db.query(
    'TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts, notifications RESTART IDENTITY CASCADE',
  );
  await db.query(
    `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES
     ('deployment_lead', $1, 'test'), ('database_admin', $2, 'test'), ('project_lead', $3, 'test')`,
    [people.lead, people.dba, people.project],
  );
  await writePlanCopy(`${workspace.dir}/plan.yaml`, input.editPlan);
  const logFile = join(tmpdir(), `stagecoach-fault-${randomUUID()}.log`);
  const app = await createAppProcess({
    env: {
      SLACK_BOT_TOKEN: 'xoxb-fault',
      SLACK_SIGNING_SECRET: faultSigningSecret,
      SLACK_API_URL: proxy?.url ?? slack.url,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      WORKSPACE_DIR: workspace.dir,
      APP_DATABASE_URL: appDatabaseUrl,
      APP_LOG_FILE: `${workspace.dir}/application.log`,
      HEALTHCHECK_URL: health.url,
      PROMETHEUS_URL: prometheus.url,
      DEPLOY_CHANNEL_ID: 'C_DEPLOY',
      MANAGEMENT_CHANNEL_ID: 'C_MGMT',
      SUPPORT_CHANNEL_ID: 'C_SUPPORT',
      TIME_SCALE: input.timeScale,
      QUEUE_PREFIX: 'faults',
      PLAN_FILE: `${workspace.dir}/plan.yaml`,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info',
      ...input.env,
    },
    logFile,
  });
  const client = createSlackClient({
    baseUrl: app.baseUrl,
    signingSecret: faultSigningSecret,
    responseUrl: (id) => slack.responseUrl(id),
  });
  return {
    app,
    slack,
    workspace,
    redis,
    db,
    logFile,
    client,
    proxy,
    async deploymentState(id) {
      return (await db.query<{ state: string }>('SELECT state FROM deployments WHERE id = $1', [id])).rows[0]
        ?.state;
    },
    async close() {
      await app.kill();
      await proxy?.close();
      await db.end();
      await slack.close();
      await health.close();
      await prometheus.close();
      await redis.close();
      await workspace.cleanup();
    },
  };
}
