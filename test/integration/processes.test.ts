import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/plan/load-plan.js';
import { checkInMessageCounts } from '../support/check-in-messages.js';
import { appDatabaseUrl, redisUrl, testDatabaseUrl } from '../support/databases.js';
import { startFakePrometheus } from '../support/fake-prometheus.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { healthyValue } from '../support/harness.js';
import { startHealthServer } from '../support/health-server.js';
import { createSlackClient } from '../support/slack-requests.js';
import { freePort, spawnStagecoach } from '../support/spawn-stagecoach.js';
import { waitUntil } from '../support/wait.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';

const signingSecret = 'processes-secret';
type Button = { action_id: string; value: string };

describe('several processes', () => {
  let slack: FakeSlack;
  let workspace: Workspace;
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  let prometheus: Awaited<ReturnType<typeof startFakePrometheus>>;
  let db: pg.Pool;
  let env: Record<string, string>;
  const stops: (() => Promise<unknown>)[] = [];

  beforeEach(async () => {
    slack = await startFakeSlack();
    workspace = await makeWorkspace();
    health = await startHealthServer();
    prometheus = await startFakePrometheus();
    for (const metric of loadPlan('templates/plans/medplum-v4.yaml').monitoring.metrics) {
      if (metric.query) prometheus.set(metric.query, healthyValue(metric));
    }
    await writeFile(`${workspace.dir}/application.log`, '');
    db = new pg.Pool({ connectionString: testDatabaseUrl });
    await db.query(
      'TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts, maintenance_windows RESTART IDENTITY CASCADE',
    );
    await db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('deployment_lead', 'ULEAD', 'test'), ('project_lead', 'UPROJECT', 'test')`,
    );
    env = {
      SLACK_BOT_TOKEN: 'xoxb-processes',
      SLACK_SIGNING_SECRET: signingSecret,
      SLACK_API_URL: slack.url,
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: redisUrl,
      WORKSPACE_DIR: workspace.dir,
      APP_DATABASE_URL: appDatabaseUrl,
      APP_LOG_FILE: `${workspace.dir}/application.log`,
      HEALTHCHECK_URL: health.url,
      PROMETHEUS_URL: prometheus.url,
      DEPLOY_CHANNEL_ID: 'C_DEPLOY',
      MANAGEMENT_CHANNEL_ID: 'C_MGMT',
      SUPPORT_CHANNEL_ID: 'C_SUPPORT',
      TIME_SCALE: '57600',
      // People decide in real time: the go/no-go deadline (30 minutes) stays out of the way.
      REHEARSAL_DECISION_SCALE: '1',
      QUEUE_PREFIX: `proc-${randomUUID()}`,
      PLAN_FILE: 'templates/plans/medplum-v4.yaml',
    };
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop().catch(() => undefined);
    await db.end();
    await slack.close();
    await health.close();
    await prometheus.close();
    await workspace.cleanup();
  });

  const start = async (role: 'web' | 'worker' | 'all', extra: Record<string, string> = {}) => {
    const process = await spawnStagecoach({ role, port: await freePort(), env: { ...env, ...extra } });
    stops.push(() => process.stop('SIGKILL'));
    return process;
  };

  it('two web and two worker processes run a rehearsal with no duplicate message or step', {
    timeout: 120_000,
  }, async () => {
    const webs = [await start('web'), await start('web')];
    await start('worker');
    await start('worker');
    const clients = webs.map((web) =>
      createSlackClient({ baseUrl: web.url, signingSecret, responseUrl: (id) => slack.responseUrl(id) }),
    );
    await clients[0]?.command('start v4.0.0', { user: 'ULEAD' });
    const thread = () => {
      const root = slack.messages('C_DEPLOY').find((m) => !m.thread_ts && m.text.includes('→ production'));
      return root ? slack.thread('C_DEPLOY', root.ts) : [];
    };
    for (const [index, percent] of [50, 100].entries()) {
      const prompt = await waitUntil(
        () => thread().find((m) => m.text.includes(`Promote to *${percent}%*`)),
        { timeoutMs: 30_000, label: `promote to ${percent}` },
      );
      const value = (
        prompt.blocks.find((b: { type: string }) => b.type === 'actions').elements as Button[]
      )[0]?.value as string;
      // Clicks arrive at either replica, twice each: one transition.
      await Promise.all(
        [0, 1, 0, 1].map((i) =>
          clients[(i + index) % 2]?.action('stage_promote', value, { user: 'ULEAD', messageTs: prompt.ts }),
        ),
      );
    }
    const declare = await waitUntil(
      () => thread().find((m) => m.text.includes('Declare the deployment complete')),
      { timeoutMs: 40_000, label: 'declare prompt' },
    );
    const value = (declare.blocks.find((b: { type: string }) => b.type === 'actions').elements as Button[])[0]
      ?.value as string;
    await clients[1]?.action('deploy_declare_complete', value, { user: 'UPROJECT', messageTs: declare.ts });
    await waitUntil(
      async () =>
        (await db.query('SELECT state FROM deployments WHERE id = 1')).rows[0]?.state === 'completed',
      { timeoutMs: 20_000, label: 'completed' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const invocations = await workspace.invocations();
    expect(new Set(invocations).size).toBe(invocations.length);
    const posts = slack.calls
      .filter((c) => c.method === 'chat.postMessage')
      .map((c) => `${c.args.channel}|${c.args.thread_ts ?? ''}|${c.args.text}`);
    const duplicates = posts.filter((post, i) => posts.indexOf(post) !== i);
    expect(duplicates).toEqual([]);
    // Each check-in shows in exactly one message (quiet ones share a message, edited as each came).
    const checkIns = checkInMessageCounts(thread());
    expect([...checkIns].sort((a, b) => a[0] - b[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, 1]),
    );
  });

  it('/readyz fails while Redis is down and recovers when it is back', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const startRedis = () =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
    let redis: ChildProcess = startRedis();
    stops.push(async () => redis.kill('SIGKILL'));
    await waitUntil(
      () =>
        fetch(`http://127.0.0.1:${port}`).then(
          () => true,
          (error) => !String(error.cause?.code).includes('ECONNREFUSED'),
        ),
      { label: 'redis up' },
    );
    const web = await start('web', { REDIS_URL: `redis://127.0.0.1:${port}` });
    const ready = () => fetch(`${web.url}/readyz`).then((r) => r.status);
    await waitUntil(async () => (await ready()) === 200, { label: 'ready' });
    redis.kill('SIGKILL');
    await waitUntil(async () => (await ready()) === 503, {
      timeoutMs: 15_000,
      label: 'not ready without Redis',
    });
    const client = createSlackClient({
      baseUrl: web.url,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    const reply = await client.command('status', { user: 'ULEAD' });
    expect(reply.status).toBeLessThan(500);
    redis = startRedis();
    await waitUntil(async () => (await ready()) === 200, { timeoutMs: 20_000, label: 'ready again' });
  });

  it('SIGTERM during a step: the step is finished or marked interrupted, never lost', {
    timeout: 90_000,
  }, async () => {
    await workspace.hang('build');
    const first = await start('all', { SHUTDOWN_GRACE_MS: '1000' });
    const client = createSlackClient({
      baseUrl: first.url,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    await client.command('start v4.0.0', { user: 'ULEAD' });
    await waitUntil(
      async () =>
        (await db.query(`SELECT status FROM step_runs WHERE step_id = 'build'`)).rows[0]?.status ===
        'running',
      { timeoutMs: 20_000, label: 'build running' },
    );
    expect(await first.stop('SIGTERM')).toBe(0);
    await workspace.heal('build');
    await start('all');
    await waitUntil(
      async () =>
        (await db.query(`SELECT status FROM step_runs WHERE step_id = 'build' ORDER BY attempt LIMIT 1`))
          .rows[0]?.status === 'interrupted',
      { timeoutMs: 30_000, label: 'build marked interrupted' },
    );
    await waitUntil(
      () =>
        slack.messages('C_DEPLOY').find((m) => Boolean(m.thread_ts) && m.text.includes('was interrupted')),
      { label: 'interrupted prompt' },
    );
  });
});
