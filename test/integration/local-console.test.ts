import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMode } from '../../src/boot/start-local-mode.js';
import { loadConfig } from '../../src/config.js';
import { seedDemoRoles } from '../../src/infra/local/demo-users.js';
import type { LocalMessage } from '../../src/infra/local/message-store.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { appDatabaseUrl, redisUrl, testDatabaseUrl } from '../support/databases.js';
import { startHealthServer } from '../support/health-server.js';
import { signSlackRequest } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';

interface ConsoleState {
  channels: { id: string; name: string }[];
  users: { id: string; name: string; roles: string[] }[];
  messages: LocalMessage[];
}

describe('local mode (npm start without SLACK_BOT_TOKEN)', () => {
  let db: pg.Pool;
  let workspace: Workspace;
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  let local: Awaited<ReturnType<typeof startLocalMode>>;
  let base: string;
  const prefix = `test-${randomUUID()}`;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    health = await startHealthServer();
    db = new pg.Pool({ connectionString: testDatabaseUrl, max: 10 });
    await db.query(
      `TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts RESTART IDENTITY CASCADE`,
    );
    const config = loadConfig({
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: redisUrl,
      WORKSPACE_DIR: workspace.dir,
      APP_DATABASE_URL: appDatabaseUrl,
      APP_LOG_FILE: `${workspace.dir}/application.log`,
      HEALTHCHECK_URL: health.url,
      // Real time: the steps still run at once, and no deadline of the plan passes during a test.
      TIME_SCALE: '1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    expect(config.localMode).toBe(true);
    const plan = loadPlan('templates/plans/medplum-v4.yaml');
    local = await startLocalMode({
      config,
      plan,
      db,
      log: createLogger(config.logLevel),
      role: 'all',
      port: 0,
      queuePrefix: prefix,
    });
    // The server listens on loopback; `localhost` may resolve to ::1 first.
    base = local.url.replace('localhost', '127.0.0.1');
  });

  afterEach(async () => {
    await local.stop({ force: true });
    await deleteQueueKeys(prefix);
    await db.end();
    await health.close();
    await workspace.cleanup();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const command = async (user: string, text: string) =>
    (await post('/console/command', { user, text })).json();
  const state = async () => (await (await fetch(`${base}/console/state`)).json()) as ConsoleState;
  const botPosts = (s: ConsoleState) =>
    s.messages.filter((m) => m.channel === 'C_DEPLOY' && m.author === 'UBOT' && !m.ephemeral);
  const rootOf = (s: ConsoleState) => botPosts(s).find((m) => !m.thread_ts && m.blocks[0]?.type === 'header');
  const threadOf = (s: ConsoleState) => {
    const root = rootOf(s);
    return root ? botPosts(s).filter((m) => m.thread_ts === root.ts) : [];
  };

  it('runs /deploy start from the console through the real app: root message, then steps in its thread', async () => {
    expect(await command('ULEAD', '/deploy start v4.0.0')).toMatchObject({ ok: true });

    const done = await waitUntil(
      async () => {
        const s = await state();
        const replies = threadOf(s).map((m) => m.text);
        return replies.some((text) => /Step 2\/\d+ done/.test(text)) ? s : undefined;
      },
      { timeoutMs: 20_000, label: 'the first two steps to finish in the thread' },
    );
    const root = rootOf(done);
    expect(root?.text).toMatch(/v4\.0\.0 → production/);
    // The root message is a live summary: edited (coalesced) as the steps go.
    await waitUntil(async () => ((rootOf(await state())?.updates ?? 0) > 0 ? true : undefined), {
      label: 'the root message to be edited',
    });
    // One line per step, edited from started to done.
    const replies = threadOf(done).map((m) => m.text);
    expect(replies.filter((text) => text.includes('Step 1/'))).toEqual([
      expect.stringMatching(/Step 1\/\d+ done: \*Run final verification tests\*/),
    ]);

    const answers = done.messages.filter((m) => m.ephemeral && m.author === 'UBOT');
    expect(answers.map((m) => [m.user, m.text])).toEqual([
      ['ULEAD', expect.stringMatching(/^Started deployment #1: v4\.0\.0 → production/)],
    ]);
    // The typed command is echoed to its author only, as a command, not as a bot message.
    expect(done.messages.filter((m) => m.kind === 'command')).toMatchObject([
      { user: 'ULEAD', text: '/deploy start v4.0.0', ephemeral: true },
    ]);
  });

  it('answers a bad version only to the person who typed it, and runs nothing', async () => {
    await command('ULEAD', 'start bad;rm');
    const answer = await waitUntil(
      async () => (await state()).messages.find((m) => m.author === 'UBOT' && m.ephemeral),
      { label: 'the ephemeral refusal' },
    );
    expect(answer.user).toBe('ULEAD');
    expect(answer.text).toMatch(/not a valid version|Unexpected/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const s = await state();
    expect(s.messages.filter((m) => !m.ephemeral)).toEqual([]);
    expect(s.messages.filter((m) => m.ephemeral && m.user !== 'ULEAD')).toEqual([]);
    expect(await workspace.invocations()).toEqual([]);
    expect(Number((await db.query('SELECT count(*) FROM deployments')).rows[0].count)).toBe(0);
  });

  it('turns a click on Abort into a signed block_actions request; the prompt then says who aborted and loses its buttons', async () => {
    await workspace.fail('phase5-test-runner');
    await command('ULEAD', 'start v4.0.0');
    const hasAbort = (m: LocalMessage) => JSON.stringify(m.blocks).includes('"deploy_abort"');
    const prompt = await waitUntil(async () => threadOf(await state()).find(hasAbort), {
      label: 'the failed-step prompt',
    });
    const actions = prompt.blocks.find((b) => b.type === 'actions');
    const abort = actions.elements.find((e: { action_id: string }) => e.action_id === 'deploy_abort');
    expect(abort.confirm.title.text).toBe('Abort this deployment?');
    const click = (user: string) =>
      post('/console/action', {
        user,
        channel: prompt.channel,
        messageTs: prompt.ts,
        actionId: 'deploy_abort',
        blockId: actions.block_id,
        value: abort.value,
      });

    // Someone without the role is refused, privately, and nothing changes.
    expect(await (await click('UGUEST')).json()).toMatchObject({ ok: true });
    const refusal = await waitUntil(
      async () =>
        (await state()).messages.find((m) => m.ephemeral && m.user === 'UGUEST' && m.author === 'UBOT'),
      { label: "the guest's refusal" },
    );
    expect(refusal.thread_ts).toBe(prompt.thread_ts);

    expect(await (await click('ULEAD')).json()).toMatchObject({ ok: true });
    const decided = await waitUntil(
      async () => {
        const now = (await state()).messages.find((m) => m.ts === prompt.ts);
        return now && JSON.stringify(now.blocks).includes('Aborted by <@ULEAD>') ? now : undefined;
      },
      { label: 'the prompt to say who aborted' },
    );
    expect(decided.blocks.some((b) => b.type === 'actions')).toBe(false);
    await waitUntil(
      async () => (await db.query(`SELECT state FROM deployments WHERE id = 1`)).rows[0]?.state === 'aborted',
      {
        label: 'the deployment to be aborted',
      },
    );

    // The buttons are gone, so a stale click is refused by the console before it reaches the app.
    const stale = await click('ULEAD');
    expect(stale.status).toBe(409);
  });

  it("turns a click on a step's [Full output] into the whole output as a file in the thread", async () => {
    await command('ULEAD', 'start v4.0.0');
    const hasFullOutput = (m: LocalMessage) =>
      m.blocks.some((b) => b.accessory?.action_id === 'step_full_output') && /Step 1\/\d+ done/.test(m.text);
    const line = await waitUntil(async () => threadOf(await state()).find(hasFullOutput), {
      timeoutMs: 20_000,
      label: 'the first step done, with [Full output]',
    });
    const button = line.blocks.find((b) => b.accessory?.action_id === 'step_full_output').accessory;
    const click = await post('/console/action', {
      user: 'ULEAD',
      channel: line.channel,
      messageTs: line.ts,
      actionId: 'step_full_output',
      blockId: '',
      value: button.value,
    });
    expect(await click.json()).toMatchObject({ ok: true });
    const shared = await waitUntil(
      async () => threadOf(await state()).find((m) => (m.files?.length ?? 0) > 0),
      { label: 'the output file in the thread' },
    );
    const [file] = shared.files ?? [];
    expect(file?.name).toBe('stagecoach-1-verification_tests-1.log');
    const content = await (await fetch(String(file?.url).replace('localhost', '127.0.0.1'))).text();
    expect(content).toContain('PASS  patient-summary');
    expect(content).toContain('phase 5 verification: 5 suites, 48 tests passed, 0 failed');
  });

  it('serves the console page and its scripts, health checks, and the real signed Bolt endpoint', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('Stagecoach');
    expect(html).toContain('/assets/console.js');
    for (const asset of ['console.js', 'render-blocks.js', 'render-mrkdwn.js', 'console.css']) {
      expect((await fetch(`${base}/assets/${asset}`)).status, asset).toBe(200);
    }
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready' });

    const body = new URLSearchParams({
      command: '/deploy',
      text: 'start v4.0.0',
      user_id: 'ULEAD',
      trigger_id: 't-forged',
    }).toString();
    const forged = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: signSlackRequest('guessed', body),
      body,
    });
    expect(forged.status).toBe(401);
  });

  it('seeds the demo roles on an empty database only, and offers a guest without a role', async () => {
    const { users, channels } = await state();
    expect(channels.map((c) => c.id)).toEqual(['C_DEPLOY', 'C_MGMT', 'C_SUPPORT']);
    expect(users.map((u) => [u.id, u.roles])).toEqual([
      ['ULEAD', ['deployment_lead']],
      ['UDBA', ['database_admin']],
      ['UPROJ', ['project_lead']],
      ['UGUEST', []],
    ]);
    expect(users[0]?.name).toBe('Lee (deployment lead)');

    await db.query('DELETE FROM role_assignments');
    await db.query(
      `INSERT INTO role_assignments (role, user_id, assigned_by) VALUES ('deployment_lead', 'UREAL', 'admin')`,
    );
    expect(await seedDemoRoles(db)).toBe(0);
    expect((await db.query('SELECT user_id FROM role_assignments')).rows).toEqual([{ user_id: 'UREAL' }]);
  });

  it('refuses console requests from other sites: a foreign Host, or a form POST a page could forge', async () => {
    // fetch() will not send a Host of our choosing; node:http will, as a DNS-rebinding page would.
    const foreign = await new Promise<number | undefined>((resolve, reject) =>
      request(`${base}/console/state`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end(),
    );
    expect(foreign).toBe(403);
    const form = await fetch(`${base}/console/command`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ user: 'ULEAD', text: 'start v4.0.0' }),
    });
    expect(form.status).toBe(415);
    expect((await state()).messages).toEqual([]);
  });
});

async function deleteQueueKeys(prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
