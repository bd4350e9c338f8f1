import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/infra/db/audit.js';
import { appDatabaseUrl } from '../support/databases.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, signingSecret, startHarness, users } from '../support/harness.js';
import { signSlackRequest } from '../support/slack-requests.js';
import { waitUntil } from '../support/wait.js';

const run = promisify(execFile);
const preDeploymentSteps = [
  'Run final verification tests',
  'Create database backup',
  'Build production artifacts',
  'Verify build artifacts',
];

describe('/deploy start', () => {
  let h: Harness;
  beforeEach(async () => {
    // People decide in real time: the go/no-go deadline (30 minutes) cannot hold a deployment under test.
    h = await startHarness({ env: { REHEARSAL_DECISION_SCALE: '1' } });
  });
  afterEach(async () => {
    await h.close();
  });

  const lastResponse = () =>
    h.slack.responses.at(-1)?.body as { text: string; response_type?: string } | undefined;
  const deploymentCount = async () =>
    Number((await h.db.query('SELECT count(*) FROM deployments')).rows[0].count);
  const rootOf = () => h.slack.messages('C_DEPLOY').find((m) => !m.thread_ts && !m.ephemeral);
  const threadTexts = () => {
    const root = rootOf();
    return root ? h.slack.thread('C_DEPLOY', root.ts).map((m) => m.text) : [];
  };

  it('refuses forged and stale signatures with 401 and does nothing', async () => {
    const body = new URLSearchParams({
      command: '/deploy',
      text: 'start v4.0.0',
      user_id: users.lead,
      channel_id: 'C_DEPLOY',
      trigger_id: 't-forged',
      response_url: h.slack.responseUrl('x'),
    }).toString();
    const forged = await h.client.raw(body, signSlackRequest('not-the-secret', body));
    const stale = await h.client.raw(
      body,
      signSlackRequest(signingSecret, body, Math.floor(Date.now() / 1000) - 6 * 60),
    );
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    expect(await deploymentCount()).toBe(0);
    expect(h.slack.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it.each(['v4.0.0; rm -rf /', '$(id)', 'v4.0.0`id`', '../../etc/passwd'])(
    'refuses the version %j and spawns nothing',
    async (version) => {
      const reply = await h.client.command(`start ${version}`, { user: users.lead });
      expect(reply.status).toBe(200);
      const answer = lastResponse() ?? reply.json;
      expect(answer?.response_type ?? 'ephemeral').toBe('ephemeral');
      expect(answer?.text).toMatch(/not a valid version|Unexpected/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await h.workspace.invocations()).toEqual([]);
      expect(await deploymentCount()).toBe(0);
    },
  );

  it('runs the pre-deployment steps in plan order in the root message thread, with a real backup', async () => {
    await h.client.command('start v4.0.0', { user: users.lead });
    expect(lastResponse()?.text).toMatch(/Started deployment #1: v4\.0\.0 → production/);
    await h.waitForState(1, 'soaking', 20_000);

    const root = rootOf();
    expect(root?.text).toMatch(/v4\.0\.0 → production/);
    // One line per step, posted when it starts and edited into its outcome: no "started" line is left.
    await h.outboxDrained();
    const stepLines = threadTexts().filter((text) => /Step \d+\/\d+ (started|done|failed)/.test(text));
    expect(stepLines.filter((text) => text.includes(' started: '))).toEqual([]);
    expect(
      stepLines
        .slice(0, 4)
        .map((text) => preDeploymentSteps.find((name) => text.includes(`done: *${name}* in `))),
    ).toEqual(preDeploymentSteps);
    for (const name of preDeploymentSteps)
      expect(stepLines.filter((text) => text.includes(`*${name}*`))).toHaveLength(1);
    // The root is a live summary, its edits coalesced (a couple of seconds): it catches up with the state.
    await waitUntil(
      () =>
        h.slack
          .messages('C_DEPLOY')
          .find((m) => m.ts === root?.ts && m.updates > 0 && /Soaking/.test(m.text)),
      { label: 'the root message to be edited to Soaking' },
    );

    const deployment = await h.deployment(1);
    expect(deployment?.backupFile).toBeTruthy();
    const { stdout } = await run('pg_restore', ['--list', deployment?.backupFile as string]);
    expect(stdout).toContain(`dbname: ${new URL(appDatabaseUrl).pathname.slice(1)}`);

    expect(await h.workspace.invocations()).toEqual([
      'deploy-frontend --env=production --current-version',
      'phase5-test-runner',
      'build',
      'cdk-deploy --stage=production',
      'deploy-frontend --env=production --percent=10',
      'migrate',
      'test-smoke --env=production',
    ]);
    expect(deployment?.currentPercent).toBe(10);
    expect(deployment?.previousVersion).toBe('v3.9.0');
  });

  it('refuses a user without the deployment lead role and audits the refusal', async () => {
    await h.client.command('start v4.0.0', { user: users.stranger });
    expect(lastResponse()?.text).toMatch(/Only the Deployment Lead may start/);
    expect(await deploymentCount()).toBe(0);
    const refusals = await listAudit(h.db, { action: 'refused' });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.actor).toBe(users.stranger);
  });

  it('halts on a failing verification script and runs no later step', async () => {
    await h.workspace.fail('phase5-test-runner');
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'step_failed');
    const thread = () => h.slack.thread('C_DEPLOY', rootOf()?.ts as string);
    const hasButtons = (blocks: { type: string }[]) => blocks.some((b) => b.type === 'actions');
    // The step's own line says it failed; a separate prompt follows with the output and buttons.
    const prompt = await waitUntil(
      () =>
        thread().find(
          (m) => m.text.includes('failed: *Run final verification tests*') && hasButtons(m.blocks),
        ),
      { label: 'failure prompt' },
    );
    expect(prompt.text).toMatch(/exit code 1/);
    const line = thread().find((m) =>
      /Step 1\/\d+ failed: \*Run final verification tests\* after /.test(m.text),
    );
    expect(line?.text).toMatch(/exit code 1/);
    expect(hasButtons(line?.blocks ?? [])).toBe(false);
    expect(thread().indexOf(line as FakeMessage)).toBeLessThan(thread().indexOf(prompt));
    expect(thread().filter((m) => m.text.includes('*Run final verification tests*'))).toHaveLength(2);
    const section = JSON.stringify(prompt?.blocks);
    expect(section).toContain('password=[redacted]');
    expect(section).not.toContain('hunter2');
    const buttons = prompt?.blocks
      .find((b: { type: string }) => b.type === 'actions')
      ?.elements.map((e: { action_id: string }) => e.action_id);
    expect(buttons).toEqual(['step_retry', 'deploy_abort']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await h.workspace.invocations()).toEqual([
      'deploy-frontend --env=production --current-version',
      'phase5-test-runner',
    ]);
    const steps = (await h.db.query(`SELECT step_id, status FROM step_runs ORDER BY id`)).rows;
    expect(steps.filter((s) => s.status !== 'pending').map((s) => s.step_id)).toEqual(['verification_tests']);
  });

  it('refuses a second start while one is active, and ignores a repeated request', async () => {
    await h.workspace.hang('phase5-test-runner');
    await h.client.command('start v4.0.0', { user: users.lead, triggerId: 'trigger-1' });
    await h.client.command('start v4.0.0', { user: users.lead, triggerId: 'trigger-1' });
    expect(await deploymentCount()).toBe(1);
    expect(h.slack.responses).toHaveLength(1);

    await h.client.command('start v4.0.1', { user: users.lead });
    expect(lastResponse()?.text).toMatch(/already has an active deployment: deployment #1 \(v4\.0\.0/);
    expect(await deploymentCount()).toBe(1);
    await h.client.command('abort', { user: users.lead });
  });
});
