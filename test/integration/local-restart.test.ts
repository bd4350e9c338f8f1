import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMode } from '../../src/boot/start-local-mode.js';
import { type Config, loadConfig } from '../../src/config.js';
import type { LocalMessage } from '../../src/infra/local/message-store.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import type { Plan } from '../../src/plan/schema.js';
import { appDatabaseUrl, redisUrl, testDatabaseUrl } from '../support/databases.js';
import { startHealthServer } from '../support/health-server.js';
import { waitUntil } from '../support/wait.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';

interface ConsoleState {
  messages: LocalMessage[];
}

/** Issue #15: local mode keeps its messages, and so its [Retry step] button, across a restart. */
describe('local mode across a restart', () => {
  let db: pg.Pool;
  let workspace: Workspace;
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  let local: Awaited<ReturnType<typeof startLocalMode>> | undefined;
  let config: Config;
  let plan: Plan;
  let base: string;
  const prefix = `test-${randomUUID()}`;
  const messageStore = `test-${randomUUID()}`;

  beforeEach(async () => {
    workspace = await makeWorkspace();
    health = await startHealthServer();
    db = new pg.Pool({ connectionString: testDatabaseUrl, max: 10 });
    await db.query(
      `TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments, environment_locks, timers, prompts RESTART IDENTITY CASCADE`,
    );
    config = loadConfig({
      DATABASE_URL: testDatabaseUrl,
      REDIS_URL: redisUrl,
      WORKSPACE_DIR: workspace.dir,
      APP_DATABASE_URL: appDatabaseUrl,
      APP_LOG_FILE: `${workspace.dir}/application.log`,
      HEALTHCHECK_URL: health.url,
      TIME_SCALE: '1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    });
    plan = loadPlan('templates/plans/medplum-v4.yaml');
  });

  afterEach(async () => {
    await local?.stop({ force: true });
    local = undefined;
    await db.query('DELETE FROM local_slack_messages WHERE store = $1', [messageStore]);
    await db.query('DELETE FROM local_slack_channels WHERE store = $1', [messageStore]);
    await deleteQueueKeys(prefix);
    await db.end();
    await health.close();
    await workspace.cleanup();
  });

  const boot = async () => {
    local = await startLocalMode({
      config,
      plan,
      db,
      log: createLogger(config.logLevel),
      role: 'all',
      port: 0,
      queuePrefix: prefix,
      messageStore,
    });
    base = local.url.replace('localhost', '127.0.0.1');
  };
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const state = async () => (await (await fetch(`${base}/console/state`)).json()) as ConsoleState;
  const hasRetry = (m: LocalMessage) => JSON.stringify(m.blocks).includes('"step_retry"');

  it('still shows the messages and the [Retry step] button after a restart, and the button works', async () => {
    await boot();
    await workspace.fail('phase5-test-runner');
    expect(
      await (await post('/console/command', { user: 'ULEAD', text: '/deploy start v4.0.0' })).json(),
    ).toMatchObject({
      ok: true,
    });
    const prompt = await waitUntil(async () => (await state()).messages.find(hasRetry), {
      timeoutMs: 20_000,
      label: 'the failed-step prompt with its Retry button',
    });
    // Let the root message catch up with the failure first, so the snapshot is what a person saw.
    await waitUntil(async () => (await state()).messages.some((m) => m.text.includes('Halted')), {
      label: 'the root message showing the halt',
    });
    const before = await state();

    await local?.stop({ force: true });
    local = undefined;
    await boot();

    const after = await state();
    const keep = (s: ConsoleState) => s.messages.map((m) => ({ channel: m.channel, ts: m.ts, text: m.text }));
    expect(keep(after)).toEqual(keep(before));
    const kept = after.messages.find(hasRetry) as LocalMessage;
    expect(kept.ts).toBe(prompt.ts);

    await workspace.heal('phase5-test-runner');
    const actions = kept.blocks.find((b) => b.type === 'actions');
    const retry = actions.elements.find((e: { action_id: string }) => e.action_id === 'step_retry');
    expect(
      await (
        await post('/console/action', {
          user: 'ULEAD',
          channel: kept.channel,
          messageTs: kept.ts,
          actionId: 'step_retry',
          blockId: actions.block_id,
          value: retry.value,
        })
      ).json(),
    ).toMatchObject({ ok: true });
    await waitUntil(
      async () =>
        (
          await db.query(
            `SELECT 1 FROM step_runs WHERE deployment_id = 1 AND step_id = 'verification_tests' AND attempt = 2 AND status = 'succeeded'`,
          )
        ).rowCount,
      { timeoutMs: 20_000, label: 'the retried step to succeed' },
    );
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
