import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createRuntime, type ProcessRole, type Runtime } from '../../src/boot/runtime.js';
import { loadConfig } from '../../src/config.js';
import type { DeploymentState } from '../../src/deploy/model/lifecycle.js';
import { getDeployment } from '../../src/infra/db/deployments.js';
import { killProcessGroup } from '../../src/infra/run/process-group.js';
import { stepEnvironment } from '../../src/infra/run/step-environment.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/schema.js';
import { appDatabaseUrl, redisUrl, testDatabaseUrl } from './databases.js';
import { startFakePrometheus } from './fake-prometheus.js';
import { type FakeSlack, startFakeSlack } from './fake-slack.js';
import { startHealthServer } from './health-server.js';
import { createSlackClient } from './slack-requests.js';
import { waitUntil } from './wait.js';
import { makeWorkspace, type Workspace } from './workspace.js';

export const signingSecret = 'test-signing-secret';
export const users = {
  lead: 'ULEAD',
  dba: 'UDBA',
  project: 'UPROJECT',
  admin: 'UADMIN',
  stranger: 'USTRANGER',
} as const;

export interface Harness {
  runtime: Runtime;
  slack: FakeSlack;
  client: ReturnType<typeof createSlackClient>;
  workspace: Workspace;
  health: Awaited<ReturnType<typeof startHealthServer>>;
  prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  db: pg.Pool;
  plan: Plan;
  baseUrl: string;
  deployment(id: number): ReturnType<typeof getDeployment>;
  waitForState(id: number, state: DeploymentState, timeoutMs?: number): Promise<void>;
  /** Until every outbox row (thread lines, notices) is delivered or given up. */
  outboxDrained(timeoutMs?: number): Promise<void>;
  restart(options?: { role?: ProcessRole }): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real app against real Postgres and Redis, a fake Slack Web API and a sample workspace,
 * reached through signed HTTP requests exactly as Slack would send them.
 */
export async function startHarness(
  options: { plan?: (plan: Plan) => Plan; env?: Record<string, string>; reconcileIntervalMs?: number } = {},
): Promise<Harness> {
  const slack = await startFakeSlack();
  const workspace = await makeWorkspace();
  const health = await startHealthServer();
  const prometheus = await startFakePrometheus();
  // An application log with an error from before the deployment: the scan must ignore it.
  await writeFile(`${workspace.dir}/application.log`, '2020-01-01T00:00:00.000Z ERROR an old failure\n');
  const db = new pg.Pool({ connectionString: testDatabaseUrl, max: 10 });
  await db.query(
    `TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts RESTART IDENTITY CASCADE`,
  );
  await db.query(
    `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES
     ('deployment_lead', $1, 'test'), ('database_admin', $2, 'test'), ('project_lead', $3, 'test')`,
    [users.lead, users.dba, users.project],
  );
  const config = loadConfig({
    DATABASE_URL: testDatabaseUrl,
    REDIS_URL: redisUrl,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: signingSecret,
    WORKSPACE_DIR: workspace.dir,
    APP_DATABASE_URL: appDatabaseUrl,
    APP_LOG_FILE: `${workspace.dir}/application.log`,
    HEALTHCHECK_URL: health.url,
    PROMETHEUS_URL: prometheus.url,
    ADMIN_USER_IDS: users.admin,
    DEPLOY_CHANNEL_ID: 'C_DEPLOY',
    MANAGEMENT_CHANNEL_ID: 'C_MGMT',
    SUPPORT_CHANNEL_ID: 'C_SUPPORT',
    TIME_SCALE: '3600',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const basePlan = loadPlan('templates/plans/medplum-v4.yaml');
  const plan = options.plan ? options.plan(basePlan) : basePlan;
  // Every metric of the plan answers a healthy value unless a test says otherwise.
  for (const metric of plan.monitoring.metrics) {
    if (metric.query) prometheus.set(metric.query, healthyValue(metric));
  }
  const log = createLogger(config.logLevel);
  const prefix = `test-${randomUUID()}`;

  let server: Server | undefined;
  let runtime: Runtime | undefined;
  let port = 0;
  const boot = async (role: ProcessRole) => {
    runtime = await createRuntime({
      config,
      plan,
      db,
      log,
      role,
      botToken: 'xoxb-test-token',
      signingSecret,
      apiUrl: slack.url,
      queuePrefix: prefix,
      processBeforeResponse: true,
      slackRetries: 0,
      stepEnv: stepEnvironment(process.env),
      reconcileIntervalMs: options.reconcileIntervalMs ?? 500,
    });
    const receiver = runtime.slack.receiver;
    if (!receiver) throw new Error('HTTP receiver expected');
    server = createServer(receiver.requestListener);
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  };
  await boot('all');
  const baseUrl = `http://127.0.0.1:${port}`;
  const client = createSlackClient({ baseUrl, signingSecret, responseUrl: (id) => slack.responseUrl(id) });

  const shutdown = async (force: boolean) => {
    // close() waits for every connection: end them too, or one hung request would hang the test.
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await closed;
    await runtime?.stop({ force });
  };

  return {
    get runtime() {
      return runtime as Runtime;
    },
    slack,
    client,
    workspace,
    health,
    prometheus,
    db,
    plan,
    baseUrl,
    deployment: (id) => getDeployment(db, id),
    async waitForState(id, state, timeoutMs = 15_000) {
      await waitUntil(async () => (await getDeployment(db, id))?.state === state, {
        timeoutMs,
        label: `deployment #${id} to reach ${state}`,
      });
    },
    async outboxDrained(timeoutMs = 15_000) {
      await waitUntil(
        async () =>
          (await db.query(`SELECT 1 FROM notifications WHERE status IN ('pending', 'sending') LIMIT 1`))
            .rowCount === 0,
        { timeoutMs, label: 'the outbox to drain' },
      );
    },
    async restart(restartOptions = {}) {
      await shutdown(true);
      await boot(restartOptions.role ?? 'all');
    },
    async close() {
      await shutdown(true);
      // A forced stop leaves running steps' commands alive (as a crash would); end them, or they
      // go on writing into the workspace while it is removed.
      const running = await db.query<{ processGroup: number }>(
        `SELECT process_group AS "processGroup" FROM step_runs WHERE status = 'running' AND process_group IS NOT NULL`,
      );
      await Promise.all(running.rows.map((row) => killProcessGroup(row.processGroup, 1_000)));
      if (runtime) {
        for (const queue of [
          runtime.queues.steps,
          runtime.queues.timers,
          runtime.queues.notify,
          runtime.queues.monitor,
          runtime.queues.views,
        ]) {
          await queue.obliterate({ force: true }).catch(() => undefined);
        }
      }
      await db.end();
      await slack.close();
      await health.close();
      await prometheus.close();
      await workspace.cleanup();
    },
  };
}

/** A value comfortably inside a metric's threshold. */
export function healthyValue(metric: { comparison: 'above' | 'below'; threshold: number }): number {
  return metric.comparison === 'above'
    ? metric.threshold * 0.4
    : Math.min(1, metric.threshold + (1 - metric.threshold) * 0.6);
}
