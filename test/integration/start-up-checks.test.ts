import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redisUrl, testDatabaseUrl } from '../support/databases.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { freePort } from '../support/spawn-stagecoach.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';
import {
  deleteQueueKeys,
  exitCodeWithin,
  type StartUp,
  startStagecoach,
  waitForHealth,
} from './helpers/stagecoach-process.js';

/** What an operator sees when starting the real process (`npm start`'s entry point). */
describe('start-up', () => {
  let workspace: Workspace;
  let port: number;
  let env: Record<string, string>;
  const prefix = `start-up-${randomUUID()}`;
  const runs: StartUp[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    workspace = await makeWorkspace();
    port = await freePort();
    env = {
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(port),
      WORKSPACE_DIR: workspace.dir,
      QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: 'xoxb-start-up',
      SLACK_SIGNING_SECRET: 'start-up-secret',
    };
  });

  afterEach(async () => {
    for (const run of runs.splice(0)) await run.stop();
    for (const close of closers.splice(0)) await close();
    await deleteQueueKeys(prefix);
    await workspace.cleanup();
  });

  const start = (extra: Record<string, string>, args: string[] = []) => {
    const run = startStagecoach({ env: { ...env, ...extra }, args });
    runs.push(run);
    return run;
  };
  const fakeSlack = async (): Promise<FakeSlack> => {
    const slack = await startFakeSlack();
    closers.push(() => slack.close());
    return slack;
  };

  describe('when Redis is unreachable', () => {
    it.each([
      ['a password only', 'redis://:hunter2-in-the-url@127.0.0.1:PORT/0', 'redis://:***@127.0.0.1:PORT/0'],
      [
        'a user and a password',
        'redis://stagecoach:hunter2-in-the-url@127.0.0.1:PORT',
        'redis://stagecoach:***@127.0.0.1:PORT',
      ],
    ])('says so in one line without the password of a URL with %s', async (_label, url, shown) => {
      const closed = String(await freePort());
      const run = start({ REDIS_URL: url.replace('PORT', closed) });
      expect(await exitCodeWithin(run)).toBe(1);
      const lines = run.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^stagecoach: Redis is not reachable at /);
      expect(lines[0]).toContain(`Redis is not reachable at ${shown.replace('PORT', closed)} (`);
      expect(lines[0]).toMatch(/start it \(redis-server --daemonize yes\) or set REDIS_URL$/);
      expect(`${run.stdout()}${run.stderr()}`).not.toContain('hunter2');
    });
  });

  describe('with ADMIN_USER_IDS', () => {
    it('empty, logs one warning line saying nobody can assign roles and how to set it', async () => {
      const slack = await fakeSlack();
      const run = start({ SLACK_API_URL: slack.url }, ['--role=web']);
      await waitForHealth(run, port);
      const warnings = run.logLines().filter((line) => line.msg.includes('ADMIN_USER_IDS'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe(40);
      expect(warnings[0]?.msg).toMatch(/^ADMIN_USER_IDS is empty: nobody can assign roles/);
      expect(warnings[0]?.msg).toMatch(/ADMIN_USER_IDS=U012AB3CD/);
    });

    it('set, logs no such warning', async () => {
      const slack = await fakeSlack();
      const run = start({ SLACK_API_URL: slack.url, ADMIN_USER_IDS: 'UADMIN' }, ['--role=web']);
      await waitForHealth(run, port);
      expect(run.logLines().filter((line) => line.msg.includes('ADMIN_USER_IDS'))).toEqual([]);
    });
  });

  describe('in Socket Mode (SLACK_APP_TOKEN set)', () => {
    it('serves /healthz, /readyz and /metrics on PORT while the websocket is still being opened', async () => {
      // Slack's Web API as far as start-up needs it; apps.connections.open (the websocket URL) never
      // answers, as when Slack is unreachable: the probes must not wait for it.
      const pending: ServerResponse[] = [];
      const slack = await startServer((req, res) => {
        if (req.url?.endsWith('/apps.connections.open')) {
          pending.push(res);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            req.url?.endsWith('/auth.test')
              ? { ok: true, team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT', url: 'https://x.slack.com/' }
              : { ok: true },
          ),
        );
      });
      closers.push(async () => {
        for (const res of pending) res.destroy();
        await new Promise<void>((resolve) => slack.server.close(() => resolve()));
      });
      const run = start(
        {
          SLACK_SIGNING_SECRET: '',
          SLACK_APP_TOKEN: 'xapp-1-A1-1-start-up',
          SLACK_API_URL: `${slack.url}/api/`,
          ADMIN_USER_IDS: 'UADMIN',
        },
        ['--role=web'],
      );
      await waitForHealth(run, port);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready' });
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('stagecoach_slack_requests_total');
      // Still connecting: the probes came first.
      expect(pending.length).toBeGreaterThan(0);
      expect(run.child.exitCode).toBeNull();
    });
  });
});

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
