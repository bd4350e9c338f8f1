import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMode } from '../../src/boot/start-local-mode.js';
import { loadConfig } from '../../src/config.js';
import type { LocalMessage } from '../../src/infra/local/message-store.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { redisUrl, testDatabaseUrl } from '../support/databases.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';
import { deleteQueueKeys } from './helpers/stagecoach-process.js';

/** A raw request, as a DNS-rebinding page would send it: fetch() will not set a Host of our choosing. */
function send(
  base: string,
  path: string,
  options: { host: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: options.method ?? 'GET', headers: { ...options.headers, host: options.host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('the local stand-in answers loopback pages only, with a bot token nobody can guess', () => {
  let db: pg.Pool;
  let workspace: Workspace;
  let local: Awaited<ReturnType<typeof startLocalMode>>;
  let base: string;
  let port: number;
  const prefix = `stand-in-${randomUUID()}`;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    db = new pg.Pool({ connectionString: testDatabaseUrl, max: 5 });
    await db.query(
      'TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts RESTART IDENTITY CASCADE',
    );
    const config = loadConfig({
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: redisUrl,
      WORKSPACE_DIR: workspace.dir,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    local = await startLocalMode({
      config,
      plan: loadPlan('templates/plans/medplum-v4.yaml'),
      db,
      log: createLogger(config.logLevel),
      role: 'web',
      port: 0,
      queuePrefix: prefix,
    });
    base = local.url.replace('localhost', '127.0.0.1');
    port = Number(new URL(base).port);
  });

  afterEach(async () => {
    await local.stop({ force: true });
    await deleteQueueKeys(prefix);
    await db.end();
    await workspace.cleanup();
  });

  const messages = async (): Promise<LocalMessage[]> =>
    JSON.parse((await send(base, '/console/state', { host: `localhost:${port}` })).body).messages;
  const postAsBot = (host: string, token: string) =>
    send(base, '/api/chat.postMessage', {
      host,
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C_DEPLOY', text: 'Deploy approved, go ahead' }),
    });

  it.each([
    ['a foreign name', 'evil.example'],
    ['a foreign name with the port', () => `evil.example:${port}`],
    ['a loopback name with another port', () => `localhost:${port + 1}`],
    ['a name that only starts like loopback', () => `localhost.evil.example:${port}`],
  ])(
    'refuses %s on the Web API, response URLs, the console and /slack/events; nothing changes',
    async (_label, hostOf) => {
      const host = typeof hostOf === 'function' ? hostOf() : hostOf;
      // The fixed token older versions used, and a real-looking one: refused before the token is read.
      for (const token of ['xoxb-local', 'xoxb-anything']) {
        const reply = await postAsBot(host, token);
        expect(reply.status).toBe(403);
        expect(JSON.parse(reply.body)).toEqual({ ok: false, error: 'forbidden_host' });
      }
      const answer = await send(base, `/response/${randomUUID()}`, {
        host,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'in_channel', text: 'forged answer' }),
      });
      expect(answer.status).toBe(403);
      expect((await send(base, '/console/state', { host })).status).toBe(403);
      expect((await send(base, '/slack/events', { host, method: 'POST', body: 'payload=null' })).status).toBe(
        403,
      );
      expect(await messages()).toEqual([]);
    },
  );

  it('accepts every loopback name with its port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await send(base, '/console/state', { host })).status, host).toBe(200);
      expect((await send(base, '/healthz', { host })).status, host).toBe(200);
    }
  });

  it('does not take the fixed token older versions used: the bot token is random per run', async () => {
    const reply = await postAsBot(`127.0.0.1:${port}`, 'xoxb-local');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ ok: false, error: 'invalid_auth' });
    expect(await messages()).toEqual([]);
  });
});
