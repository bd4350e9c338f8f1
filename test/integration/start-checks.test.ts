import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/infra/db/audit.js';
import type { Plan } from '../../src/plan/schema.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

/** `/deploy start` checks the workspace and the way back before anything changes. */
describe('/deploy start checks before anything changes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const harness = async (options: Parameters<typeof startHarness>[0] = {}) => {
    // People decide in real time: the go/no-go deadline (30 minutes) cannot hold a start under test.
    h = await startHarness({ ...options, env: { REHEARSAL_DECISION_SCALE: '1', ...options.env } });
    // Each start below stops at the first step until the test lets it go.
    await h.workspace.hang('phase5-test-runner');
    return h;
  };
  const answer = async (text: string) => {
    const reply = await (h as Harness).client.command(text, { user: users.lead });
    expect(reply.status).toBe(200);
    const body = ((h as Harness).slack.responses.at(-1)?.body ?? reply.json) as {
      text: string;
      response_type?: string;
    };
    return body;
  };
  const deploymentCount = async () =>
    Number((await (h as Harness).db.query('SELECT count(*) FROM deployments')).rows[0].count);
  const threadTexts = () => {
    const root = (h as Harness).slack.messages('C_DEPLOY').find((m) => !m.thread_ts && !m.ephemeral);
    return root ? (h as Harness).slack.thread('C_DEPLOY', root.ts).map((m) => m.text) : [];
  };

  it('refuses to start when a script the plan runs is missing, listing each with its step and fix, and runs nothing', async () => {
    const { workspace } = await harness();
    await rm(join(workspace.dir, 'deploy-frontend.sh'));
    await chmod(join(workspace.dir, 'ehr-frontend', 'phase5-test-runner.sh'), 0o644);
    for (const text of ['start v4.0.0', 'start v4.0.0 --dry-run']) {
      const body = await answer(text);
      expect(body.response_type ?? 'ephemeral').toBe('ephemeral');
      expect(body.text).toMatch(/^Not started: the plan names what this host does not have/);
      const lines = body.text.split('\n').filter((line) => line.startsWith('• '));
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^• step frontend: program '\.\/deploy-frontend\.sh' does not exist .* — fix: /,
          ),
          expect.stringMatching(/^• step verification_tests: .* is not executable — fix: run chmod \+x /),
        ]),
      );
    }
    expect(await deploymentCount()).toBe(0);
    expect(await workspace.invocations()).toEqual([]);
  });

  it('knows the rollback target before the first step starts', async () => {
    const { workspace } = await harness();
    const body = await answer('start v4.0.0');
    expect(body.text).toMatch(/Started deployment #1/);
    // The first step hangs: the version was asked for, and recorded, at start.
    expect((await (h as Harness).deployment(1))?.previousVersion).toBe('v3.9.0');
    expect((await workspace.invocations())[0]).toBe('deploy-frontend --env=production --current-version');
    const [audit] = await listAudit((h as Harness).db, { action: 'start' });
    expect(audit?.detail).toMatchObject({ previousVersion: 'v3.9.0' });
    await answer('abort');
  });

  it('stops and says why when the running version cannot be told, and changes nothing', async () => {
    const { workspace } = await harness();
    await workspace.fail('deploy-frontend');
    const body = await answer('start v4.0.0');
    expect(body.text).toMatch(/^Not started: no way back is confirmed for production/);
    expect(body.text).toMatch(/could not tell the running version of production/);
    expect(body.text).toContain('--without-rollback-target');
    expect(await deploymentCount()).toBe(0);
    expect(await workspace.invocations()).toEqual(['deploy-frontend --env=production --current-version']);
  });

  it('stops when the plan has no way to tell the running version and nothing completed before', async () => {
    const noCurrentVersion = (plan: Plan): Plan => ({
      ...plan,
      rollback: { ...plan.rollback, currentVersion: undefined },
    });
    await harness({ plan: noCurrentVersion });
    const body = await answer('start v4.0.0');
    expect(body.text).toMatch(
      /has no rollback\.currentVersion command, .* — fix: add rollback\.currentVersion/,
    );
    expect(await deploymentCount()).toBe(0);
  });

  it('stops when the plan restores databases but APP_DATABASE_URL is not set', async () => {
    const { workspace } = await harness({ env: { APP_DATABASE_URL: '' } });
    const body = await answer('start v4.0.0');
    expect(body.text).toMatch(
      /restoreDatabase\.when: schema_changed\) but APP_DATABASE_URL is not set — fix:/,
    );
    expect(await deploymentCount()).toBe(0);
    expect(await workspace.invocations()).toEqual(['deploy-frontend --env=production --current-version']);
  });

  it('starts with --without-rollback-target, audited and flagged in the thread', async () => {
    const { workspace } = await harness();
    await workspace.fail('deploy-frontend');
    const body = await answer('start v4.0.0 --without-rollback-target');
    expect(body.text).toMatch(/Started deployment #1/);
    expect((await (h as Harness).deployment(1))?.previousVersion).toBeNull();
    const [audit] = await listAudit((h as Harness).db, { action: 'start' });
    expect(audit?.detail).toMatchObject({ withoutRollbackTarget: true });
    expect(JSON.stringify(audit?.detail)).toMatch(/could not tell the running version/);
    const flagged = await waitUntil(
      () => threadTexts().find((text) => text.includes('--without-rollback-target')),
      { label: 'the flag in the thread' },
    );
    expect(flagged).toMatch(/the way back is not confirmed/);
    await answer('abort');
  });

  it('refuses to redeploy the version already running unless asked with --redeploy', async () => {
    const { workspace } = await harness();
    await writeFile(join(workspace.dir, '.state', 'current-version'), 'v4.0.0\n');
    const refused = await answer('start v4.0.0');
    expect(refused.text).toMatch(/^Not started: production already runs v4\.0\.0/);
    expect(refused.text).toContain('/deploy start v4.0.0 --redeploy');
    expect(await deploymentCount()).toBe(0);

    const started = await answer('start v4.0.0 --redeploy');
    expect(started.text).toMatch(/Started deployment #1: v4\.0\.0 → production/);
    const [audit] = await listAudit((h as Harness).db, { action: 'start' });
    expect(audit?.detail).toMatchObject({ redeploy: true, previousVersion: 'v4.0.0' });
    await answer('abort');
  });

  it('refuses to redeploy the last completed deployment’s version', async () => {
    await harness();
    await (h as Harness).db.query(
      `INSERT INTO deployments (environment, version, started_by, channel_id, state, plan_name, ended_at)
       VALUES ('production', 'v4.0.0', 'ULEAD', 'C_DEPLOY', 'completed', 'x', now())`,
    );
    const refused = await answer('start v4.0.0');
    expect(refused.text).toMatch(/already runs v4\.0\.0 \(it is the last completed deployment\)/);
    // A newer version rolls back to the completed one, without asking the plan's command.
    const started = await answer('start v4.0.1');
    expect(started.text).toMatch(/Started deployment #\d+: v4\.0\.1/);
    expect(await (h as Harness).workspace.invocations()).not.toContain(
      'deploy-frontend --env=production --current-version',
    );
    await answer('abort');
  });
});
