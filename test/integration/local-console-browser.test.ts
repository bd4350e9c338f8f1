import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalMode } from '../../src/boot/start-local-mode.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { appDatabaseUrl, redisUrl, testDatabaseUrl } from '../support/databases.js';
import { startHealthServer } from '../support/health-server.js';
import { makeWorkspace, type Workspace } from '../support/workspace.js';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `local console browser test skipped: ${chromiumPath} is missing (apt-get install -y chromium)`,
  );
}

describe.skipIf(!hasChromium)('local console in a browser', () => {
  let profileDir: string;
  let browser: BrowserContext;
  let db: pg.Pool;
  let workspace: Workspace;
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  let local: Awaited<ReturnType<typeof startLocalMode>>;
  let page: Page;
  let pageErrors: string[];
  const prefix = `test-${randomUUID()}`;

  beforeAll(async () => {
    profileDir = await mkdtemp(join(tmpdir(), 'stagecoach-chromium-'));
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 1000 },
    });
    await mkdir('test-results', { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
  });

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
    const plan = loadPlan('templates/plans/medplum-v4.yaml');
    const log = createLogger(config.logLevel);
    local = await startLocalMode({ config, plan, db, log, role: 'all', port: 0, queuePrefix: prefix });
    page = await browser.newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The URL local mode prints, as a newcomer would open it.
    await page.goto(local.url);
    await page.locator('#connection.live').waitFor();
  });

  afterEach(async () => {
    await page?.close();
    await local?.stop({ force: true });
    await deleteQueueKeys(prefix);
    await db?.end();
    await health?.close();
    await workspace?.cleanup();
    expect(pageErrors).toEqual([]);
  });

  const runCommand = async (user: string, text: string) => {
    await page.selectOption('#user-select', user);
    await page.fill('#command-input', text);
    await page.press('#command-input', 'Enter');
  };
  const threadReply = (text: string | RegExp) => page.locator('.thread .message', { hasText: text });

  it('a lead types /deploy start and watches the steps arrive in the thread, live', async () => {
    await runCommand('ULEAD', '/deploy start v4.0.0');

    const answer = page.locator('.message.ephemeral', { hasText: 'Started deployment #1' });
    await answer.waitFor();
    expect(await answer.locator('.only-you').textContent()).toContain('Only visible to you');
    // Rendered from Block Kit: the header, fields with the mention resolved to a name.
    const root = page.locator('.thread-group', {
      has: page.locator('.block-header', { hasText: 'Deployment #1' }),
    });
    expect(await root.locator('.block-header').first().textContent()).toContain('v4.0.0 → production');
    expect(await root.locator('.block-fields').first().textContent()).toContain('@Lee');

    await threadReply(/Step 2\/\d+ done/).waitFor({ timeout: 20_000 });
    // One message per step: its "started" line became "done".
    expect(await threadReply(/Step 1\/\d+ /).count()).toBe(1);
    // The root message is pinned, as in Slack.
    await root.locator('.pinned').first().waitFor();
    expect(
      await threadReply(/Step 1\/\d+ done/)
        .locator('strong')
        .first()
        .textContent(),
    ).toBe('Run final verification tests');
    // No reload happened: the page kept its state while messages arrived and changed.
    expect(await page.locator('.message .edited').count()).toBeGreaterThan(0);
    // Live updates re-render messages; a detached element only means the view moved on.
    await root
      .locator('.block-header')
      .scrollIntoViewIfNeeded()
      .catch(() => undefined);
    await page.screenshot({ path: 'test-results/local-console.png', animations: 'disabled' });

    // The answer was for Lee only.
    await page.selectOption('#user-select', 'UGUEST');
    await answer.waitFor({ state: 'detached' });
  });

  it('a failing step offers Abort; confirming the dialog aborts and the prompt says who did, without buttons', async () => {
    await workspace.fail('phase5-test-runner');
    await runCommand('ULEAD', '/deploy start v4.0.0');

    // The prompt with the buttons (the step's own line above it says "failed" too).
    const failed = page.locator('.thread .message', {
      has: page.locator('button.block-button[data-action-id="deploy_abort"]'),
    });
    await failed.waitFor();
    // Pinned by its ts: the same message is updated in place after the decision.
    const prompt = page.locator(`.thread .message[data-ts="${await failed.getAttribute('data-ts')}"]`);
    const abort = prompt.locator('button.block-button[data-action-id="deploy_abort"]');
    await abort.waitFor();
    expect(await abort.getAttribute('class')).toContain('danger');
    expect(await prompt.locator('.code-block').textContent()).toContain('password=[redacted]');

    // Deny first: nothing happens.
    await abort.click();
    const dialog = page.locator('#confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.locator('#confirm-title').textContent()).toBe('Abort this deployment?');
    await page.click('#confirm-deny');
    await dialog.waitFor({ state: 'hidden' });
    // Still [Retry], [Abort] and [Full output]: denying changed nothing.
    expect(await prompt.locator('button.block-button').count()).toBe(3);
    expect(await prompt.locator('button.block-button[data-action-id="step_full_output"]').count()).toBe(1);

    await abort.click();
    await dialog.waitFor();
    expect(await page.locator('#confirm-ok').textContent()).toBe('Abort');
    await page.click('#confirm-ok');

    await prompt.locator('.block-context', { hasText: /Aborted by @Lee/ }).waitFor();
    // The decision buttons are gone; the step's full output stays one click away.
    expect(await prompt.locator('button[data-action-id="deploy_abort"]').count()).toBe(0);
    expect(await prompt.locator('button[data-action-id="step_retry"]').count()).toBe(0);
    expect(await prompt.locator('.edited').count()).toBe(1);
    // The prompt says who decided: no private echo of the click.
    expect(await page.locator('.message.ephemeral', { hasText: 'Aborted deployment #1' }).count()).toBe(0);
    // The root message is kept current in place, too.
    const root = page.locator('.thread-group', {
      has: page.locator('.block-header', { hasText: 'Deployment #1' }),
    });
    await root.locator('.block-fields', { hasText: 'Aborted' }).first().waitFor();
    await page.screenshot({ path: 'test-results/local-console-aborted.png', animations: 'disabled' });
  });

  it('[Resume] on a held deployment opens a modal; the reason typed there is recorded and the prompt says who resumed', async () => {
    // A step that hangs keeps the deployment running while it is held.
    await workspace.hang('phase5-test-runner');
    await runCommand('ULEAD', '/deploy start v4.0.0');
    await threadReply(/Step 1\/\d+ started/).waitFor();
    await runCommand('ULEAD', '/deploy hold waiting for the bridge call');

    const held = page.locator('.thread .message', {
      has: page.locator('button.block-button[data-action-id="deploy_resume"]'),
    });
    await held.waitFor();
    // Pinned by its ts: once decided it has no buttons left to find it by.
    const heldTs = await held.getAttribute('data-ts');
    await held.locator('button.block-button[data-action-id="deploy_resume"]').click();

    const modal = page.locator('#modal-dialog');
    await modal.waitFor();
    expect(await modal.locator('#modal-title').textContent()).toBe('Resume deployment');
    // Cancel closes it and changes nothing.
    await page.click('#modal-cancel');
    await modal.waitFor({ state: 'hidden' });
    expect(await held.locator('button.block-button').count()).toBeGreaterThan(0);

    await held.locator('button.block-button[data-action-id="deploy_resume"]').click();
    await modal.waitFor();
    await modal.locator('textarea').fill('   ');
    await page.click('#modal-submit');
    // Blank is refused by Stagecoach, under the field, and the modal stays open.
    await modal.locator('.modal-error', { hasText: 'Write a few words' }).waitFor();
    await modal.locator('textarea').fill('Go decided on the bridge call');
    await page.click('#modal-submit');
    await modal.waitFor({ state: 'hidden' });

    await page
      .locator(`.thread .message[data-ts="${heldTs}"] .block-context`, { hasText: /Resumed by @Lee/ })
      .waitFor();
    const audit = await db.query<{ detail: { reason?: string } }>(
      `SELECT detail FROM audit_log WHERE deployment_id = 1 AND action = 'resume'`,
    );
    expect(audit.rows.map((row) => row.detail.reason)).toEqual(['Go decided on the bridge call']);
    await page.screenshot({ path: 'test-results/local-console-modal.png', animations: 'disabled' });
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
