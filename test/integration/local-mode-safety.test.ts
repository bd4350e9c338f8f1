import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisUrl, testDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/spawn-stagecoach.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';
import {
  deleteQueueKeys,
  exitCodeWithin,
  type StartUp,
  startStagecoach,
  waitForHealth,
} from './helpers/stagecoach-process.js';

/**
 * Local mode seeds demo roles and makes a demo user admin in the database it is given. It must start
 * only on purpose: with no Slack credential of any kind outside production, or with `--local`.
 */
describe('local mode starts only on purpose', () => {
  let db: pg.Pool;
  let workspace: Workspace;
  let port: number;
  let env: Record<string, string>;
  const prefix = `local-safety-${randomUUID()}`;
  const runs: StartUp[] = [];

  beforeEach(async () => {
    db = new pg.Pool({ connectionString: testDatabaseUrl });
    await db.query('TRUNCATE role_assignments, audit_log');
    workspace = await makeWorkspace();
    port = await freePort();
    env = {
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(port),
      WORKSPACE_DIR: workspace.dir,
      QUEUE_PREFIX: prefix,
      NODE_ENV: 'development',
    };
  });

  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop();
    await deleteQueueKeys(prefix);
    await db.query('TRUNCATE role_assignments, audit_log');
    await db.end();
    await workspace.cleanup();
  });

  const start = (extra: Record<string, string>, args: string[] = []) => {
    const run = startStagecoach({ env: { ...env, ...extra }, args });
    runs.push(run);
    return run;
  };
  const roleCount = async () =>
    Number((await db.query('SELECT count(*) FROM role_assignments')).rows[0].count);
  const listening = () =>
    fetch(`http://127.0.0.1:${port}/healthz`).then(
      () => true,
      () => false,
    );

  it.each([
    ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: 'a-real-signing-secret' }],
    ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xapp-1-A1-1-abc' }],
  ])(
    'with %s set but no SLACK_BOT_TOKEN, start-up names the missing token in one line and exits 1; nothing is seeded',
    async (name, extra) => {
      const run = start(extra);
      expect(await exitCodeWithin(run)).toBe(1);
      expect(run.stderr()).toBe(
        `stagecoach: SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions (or unset ${name} to run local mode)\n`,
      );
      expect(await roleCount()).toBe(0);
      expect(await listening()).toBe(false);
    },
  );

  it('with NODE_ENV=production and no Slack credential, start-up refuses instead of running a demo', async () => {
    const run = start({ NODE_ENV: 'production' });
    expect(await exitCodeWithin(run)).toBe(1);
    const lines = run.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^stagecoach: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are missing: /);
    expect(lines[0]).toContain('npm start -- --local');
    expect(await roleCount()).toBe(0);
  });

  it('`npm start -- --local` runs local mode on purpose, even in production with a signing secret set', async () => {
    const run = start({ NODE_ENV: 'production', SLACK_SIGNING_SECRET: 'ignored-in-local-mode' }, ['--local']);
    await waitForHealth(run, port);
    expect(run.stdout()).toContain(`Stagecoach local console: http://localhost:${port}`);
    const state = (await (await fetch(`http://127.0.0.1:${port}/console/state`)).json()) as {
      users: { id: string; roles: string[] }[];
    };
    expect(state.users.find((user) => user.id === 'ULEAD')?.roles).toEqual(['deployment_lead']);
    expect(await run.stop('SIGTERM')).toBe(0);
  });

  it('with nothing set outside production, `npm start` still runs local mode', async () => {
    const run = start({});
    await waitForHealth(run, port);
    expect(run.stdout()).toContain(`Stagecoach local console: http://localhost:${port}`);
  });
});
