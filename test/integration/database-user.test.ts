import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDatabase, useOperatingSystemUser } from '../../src/infra/db/ensure-database.js';
import { redisUrl, testDatabaseUrl } from '../support/databases.js';
import { startFakeSlack } from '../support/fake-slack.js';
import { freePort } from '../support/spawn-stagecoach.js';
import { makeWorkspace } from '../support/workspace.js';
import { deleteQueueKeys, startStagecoach, waitForHealth } from './helpers/stagecoach-process.js';

/** New user set-up with `USER` unset (containers, CI): connect as the OS user, and say what is wrong. */
describe('the database user at start-up', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = pg.defaults.user;
    // What the driver computes from an unset USER.
    pg.defaults.user = undefined;
  });
  afterEach(() => {
    pg.defaults.user = saved;
  });

  it('takes the operating system user name, as libpq does, when USER is unset', () => {
    useOperatingSystemUser();
    expect(pg.defaults.user).toBe(userInfo().username);
  });

  it('keeps a user name the environment gave', () => {
    pg.defaults.user = 'someone';
    useOperatingSystemUser();
    expect(pg.defaults.user).toBe('someone');
  });

  it('connects with a URL that names no user, or says that this user was refused, never "start it"', async () => {
    const url = new URL(testDatabaseUrl);
    url.username = '';
    url.password = '';
    const outcome = await ensureDatabase(url.toString()).then(
      () => 'connected',
      (error: Error) => error.message,
    );
    expect(outcome).not.toMatch(/no PostgreSQL user name specified/);
    if (outcome !== 'connected') expect(outcome).toMatch(`refused user ${userInfo().username}`);
  });

  it('tells a refused user from a server that is not running', async () => {
    const url = new URL(testDatabaseUrl);
    url.username = 'no_such_role_15';
    url.password = 'hunter2';
    const refused = await ensureDatabase(url.toString()).catch((error: Error) => error.message);
    expect(refused).toMatch(/is running but refused user no_such_role_15/);
    expect(refused).toMatch(/createuser|DATABASE_URL/);
    expect(refused).not.toMatch(/start it/);
    expect(refused).not.toContain('hunter2');

    const closed = await freePort();
    const down = await ensureDatabase(`postgres://postgres@127.0.0.1:${closed}/stagecoach`).catch(
      (error: Error) => error.message,
    );
    expect(down).toMatch(/Postgres is not reachable at .*: start it/);
  });

  it('starts the real process with USER unset and a DATABASE_URL without a user name', async () => {
    const url = new URL(testDatabaseUrl);
    url.username = '';
    url.password = '';
    const port = await freePort();
    const workspace = await makeWorkspace();
    const prefix = `db-user-${randomUUID()}`;
    const slack = await startFakeSlack();
    const env: Record<string, string | undefined> = {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl,
      PORT: String(port),
      WORKSPACE_DIR: workspace.dir,
      QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: 'xoxb-db-user',
      SLACK_SIGNING_SECRET: 'db-user-secret',
      SLACK_API_URL: slack.url,
      // Left out of the child's environment: what a container or CI gives.
      USER: undefined,
      LOGNAME: undefined,
    };
    const run = startStagecoach({ env: env as Record<string, string>, args: ['--role=web'] });
    try {
      const healthy = await waitForHealth(run, port).then(
        () => 'healthy',
        () => run.stderr(),
      );
      expect(run.stderr()).not.toMatch(/no PostgreSQL user name specified/);
      // Where this machine's OS user has no role, the process says so instead of "start it".
      if (healthy !== 'healthy') expect(healthy).toMatch(`refused user ${userInfo().username}`);
    } finally {
      await run.stop();
      await deleteQueueKeys(prefix);
      await slack.close();
      await workspace.cleanup();
    }
  });
});
