import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTimers } from '../../src/infra/db/timers.js';
import { isGroupAlive } from '../../src/infra/run/process-group.js';
import { appDatabaseUrl, redisUrl, testDatabaseUrl } from '../support/databases.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { startHealthServer } from '../support/health-server.js';
import { createSlackClient } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';

const signingSecret = 'crash-test-secret';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real product as its own process (`npm start`'s entry point), so it can be killed for real. */
describe('a process killed with SIGKILL during a soak', () => {
  let slack: FakeSlack;
  let workspace: Workspace;
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  let db: pg.Pool;
  let child: ChildProcess | undefined;
  let port: number;
  const prefix = `crash-${randomUUID()}`;

  const boot = async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        SLACK_BOT_TOKEN: 'xoxb-crash',
        SLACK_SIGNING_SECRET: signingSecret,
        SLACK_API_URL: slack.url,
        DATABASE_URL: testDatabaseUrl,
        REDIS_URL: redisUrl,
        PORT: String(port),
        WORKSPACE_DIR: workspace.dir,
        APP_DATABASE_URL: appDatabaseUrl,
        APP_LOG_FILE: `${workspace.dir}/application.log`,
        HEALTHCHECK_URL: health.url,
        DEPLOY_CHANNEL_ID: 'C_DEPLOY',
        MANAGEMENT_CHANNEL_ID: 'C_MGMT',
        SUPPORT_CHANNEL_ID: 'C_SUPPORT',
        // 24 h of soak in 4 s: long enough to kill and restart the process inside it. People
        // decide in real time: the go/no-go deadline (30 minutes) stays out of the way.
        TIME_SCALE: '21600',
        REHEARSAL_DECISION_SCALE: '1',
        QUEUE_PREFIX: prefix,
        PLAN_FILE: 'templates/plans/medplum-v4.yaml',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitUntil(
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeoutMs: 40_000, label: 'the process to listen' },
    );
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    workspace = await makeWorkspace();
    health = await startHealthServer();
    await writeFile(`${workspace.dir}/application.log`, '');
    port = await freePort();
    db = new pg.Pool({ connectionString: testDatabaseUrl });
    await db.query(
      'TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts RESTART IDENTITY CASCADE',
    );
    await db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('deployment_lead', 'ULEAD', 'test')`,
    );
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await db.end();
    await slack.close();
    await health.close();
    await workspace.cleanup();
  });

  it('still posts the approval prompt on time after a restart, and runs no step twice', async () => {
    await boot();
    const client = createSlackClient({
      baseUrl: `http://127.0.0.1:${port}`,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    await client.command('start v4.0.0', { user: 'ULEAD' });
    await waitUntil(
      async () => (await db.query(`SELECT state FROM deployments WHERE id = 1`)).rows[0]?.state === 'soaking',
      { timeoutMs: 20_000, label: 'soaking' },
    );
    const [soak] = (await listTimers(db, 1)).filter((t) => t.kind === 'soak_end');
    expect(soak?.status).toBe('pending');

    child?.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    // Redis loses the delayed job too: the restart must rebuild it from Postgres.
    const { Redis } = await import('ioredis');
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await boot();

    const promotion = await waitUntil(
      () =>
        slack.calls.find(
          (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('Promote to *50%*'),
        ),
      { timeoutMs: 20_000, label: 'promotion prompt' },
    );
    const lateness = promotion.at - (soak as { fireAt: Date }).fireAt.getTime();
    expect(lateness).toBeGreaterThanOrEqual(-100);
    expect(lateness).toBeLessThan(3_000);
    const invocations = await workspace.invocations();
    expect(new Set(invocations).size).toBe(invocations.length);
    expect(
      invocations.filter((line) => line.startsWith('deploy-frontend --env=production --percent')),
    ).toEqual(['deploy-frontend --env=production --percent=10']);
    const runs = (
      await db.query(
        `SELECT step_id, count(*)::int AS n FROM step_runs WHERE deployment_id = 1 GROUP BY step_id`,
      )
    ).rows;
    expect(runs.every((r) => r.n === 1)).toBe(true);
  });

  it('marks a step cut off by the crash as interrupted and asks, instead of re-running it', async () => {
    await db.query(
      'TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, environment_locks, timers, prompts RESTART IDENTITY CASCADE',
    );
    await workspace.hang('migrate');
    const migrateRuns = async () =>
      (await workspace.invocations()).filter((line) => line === 'migrate').length;
    const earlier = await migrateRuns();
    const client = createSlackClient({
      baseUrl: `http://127.0.0.1:${port}`,
      signingSecret,
      responseUrl: (id) => slack.responseUrl(id),
    });
    await client.command('start v4.0.1', { user: 'ULEAD' });
    await waitUntil(
      async () =>
        (await db.query(`SELECT status FROM step_runs WHERE deployment_id = 1 AND step_id = 'migrations'`))
          .rows[0]?.status === 'running',
      { timeoutMs: 20_000, label: 'migrations running' },
    );
    // The hung migration has really started (its own log line) before the process is killed.
    await waitUntil(async () => (await migrateRuns()) === earlier + 1, { label: 'the migration to start' });
    const migrationsBefore = await migrateRuns();
    child?.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    await workspace.heal('migrate');
    await boot();

    const prompt = await waitUntil(
      () =>
        slack.messages('C_DEPLOY').find((m) => Boolean(m.thread_ts) && m.text.includes('was interrupted')),
      { timeoutMs: 30_000, label: 'interrupted prompt' },
    );
    const buttons = prompt.blocks.find((b: { type: string }) => b.type === 'actions').elements;
    expect(buttons.map((b: { action_id: string }) => b.action_id)).toEqual([
      'step_retry',
      'step_mark_done',
      'deploy_rollback',
    ]);
    expect((await db.query(`SELECT state FROM deployments WHERE id = 1`)).rows[0].state).toBe(
      'step_interrupted',
    );
    // Not re-run by the restart: the same number of migrate runs as before the kill.
    expect((await workspace.invocations()).filter((line) => line === 'migrate')).toHaveLength(
      migrationsBefore,
    );
    // The migration the dead bot left running was killed before its step was called interrupted,
    // so [Retry] cannot start a second copy beside it; and it counts as a possible schema change.
    const cutOff = await db.query<{ process_group: number | null }>(
      `SELECT process_group FROM step_runs WHERE deployment_id = 1 AND step_id = 'migrations' AND attempt = 1`,
    );
    const group = cutOff.rows[0]?.process_group;
    expect(group).toBeGreaterThan(0);
    expect(await isGroupAlive(group as number)).toBe(false);
    expect(
      (await db.query('SELECT schema_changed FROM deployments WHERE id = 1')).rows[0].schema_changed,
    ).toBe(true);

    await client.action('step_retry', buttons[0].value, { user: 'ULEAD', messageTs: prompt.ts });
    await waitUntil(
      async () => (await db.query(`SELECT state FROM deployments WHERE id = 1`)).rows[0]?.state === 'soaking',
      { timeoutMs: 20_000, label: 'soaking after retry' },
    );
    const attempts = (
      await db.query(
        `SELECT attempt, status FROM step_runs WHERE deployment_id = 1 AND step_id = 'migrations' ORDER BY attempt`,
      )
    ).rows;
    expect(attempts).toEqual([
      { attempt: 1, status: 'interrupted' },
      { attempt: 2, status: 'succeeded' },
    ]);
  });
});
