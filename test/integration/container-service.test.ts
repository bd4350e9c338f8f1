// Issue #15: the second example (examples/container-service) rehearsed end to end, rollback
// included. A container service whose scripts read their settings from environment variables,
// deployed all at once (traffic: none), with a health endpoint answering {"ok":true}: the real app
// runs its own plan file against a copy of its own workspace.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadPlanFile } from '../../src/plan/derive-plan.js';
import { type ExampleWorkspace, makeWorkspaceFrom } from '../support/example-workspace.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

const planFile = 'examples/container-service/plan.yaml';
const registryToken = 'rgt_9f2c71d0b8e44a5e8c3f0d6a1b2c3d4e';
// An hour of soak passes in 1 s; people's deadlines (go/no-go, check-in answers) stay real.
const timeScale = '3600';

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks?.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];
// A stage's share of traffic said out loud.
const stageShare = /(?<![\d.])(50|100) ?%/;

/** The service's health endpoint, as the load balancer exposes it. */
async function startService(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('examples/container-service, rehearsed', () => {
  let h: Harness | undefined;
  let ws: ExampleWorkspace | undefined;
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  afterEach(async () => {
    await h?.close();
    await service?.close();
    await ws?.cleanup();
    h = undefined;
    ws = undefined;
    service = undefined;
    vi.unstubAllEnvs();
  });

  it('deploys all at once with its settings from env, observes both stages, and rolls back to the running version', async () => {
    ws = await makeWorkspaceFrom('examples/container-service/workspace');
    await ws.setState('current-version', 'v1.9.0');
    service = await startService();
    // Stagecoach's own environment, where the plan's `secrets:` are read from.
    vi.stubEnv('REGISTRY_TOKEN', registryToken);
    h = await startHarness({
      plan: () => loadPlanFile(planFile),
      env: {
        WORKSPACE_DIR: ws.dir,
        HEALTHCHECK_URL: service.url,
        TIME_SCALE: timeScale,
        REHEARSAL_DECISION_SCALE: '1',
      },
    });
    const harness = h;
    const workspace = ws;
    expect(harness.plan.application).toBe('Orders API');

    const root = () =>
      harness.slack
        .messages('C_DEPLOY')
        .find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
    const thread = () => {
      const r = root();
      return r ? harness.slack.thread('C_DEPLOY', r.ts) : [];
    };
    const promptWith = (actionId: string) =>
      waitUntil(() => thread().find((m) => buttonsOf(m).some((b) => b.action_id === actionId)), {
        label: `a prompt with ${actionId}`,
      });
    const click = async (actionId: string, user: string) => {
      const prompt = await promptWith(actionId);
      const button = buttonsOf(prompt).find((b) => b.action_id === actionId) as Button;
      await harness.client.action(actionId, button.value, { user, messageTs: prompt.ts });
    };
    const commands = async () => (await workspace.invocations()).filter((line) => !line.startsWith(' '));

    await harness.client.command('start v2.0.0 to production', { user: users.lead });
    // The rollback target is what the state file says is running.
    await waitUntil(async () => (await harness.deployment(1))?.previousVersion === 'v1.9.0', {
      label: 'deployment #1 with rollback target v1.9.0',
    });

    // Stage 1 goes live once the steps have run: no shift, no percentage.
    await harness.waitForState(1, 'soaking', 20_000);
    expect(await harness.deployment(1)).toMatchObject({ stageIndex: 0, currentPercent: 0 });
    expect(await workspace.state('current-version')).toBe('v2.0.0');
    expect((await commands()).filter((line) => line !== 'deploy --current-version')).toEqual([
      'run-tests',
      'build-image',
      'deploy',
      'smoke-test',
    ]);
    // Each script saw what the plan passes: env, perEnvironment.production, the secret (set, never shown).
    expect(await workspace.invocations()).toEqual(
      expect.arrayContaining([
        '  env SERVICE_NAME=orders-api',
        '  env SERVICE_NAME=orders-api IMAGE_TAG=v2.0.0 REGISTRY_TOKEN=set',
        '  env CLUSTER=orders-production AWS_REGION=eu-central-1',
        '  env IMAGE_TAG=v2.0.0 REGISTRY_TOKEN=set',
        `  env HEALTH_URL=${service.url} IMAGE_TAG=v2.0.0 CLUSTER=orders-production`,
      ]),
    );
    const steps = await harness.db.query<{ step_id: string; status: string }>(
      `SELECT step_id, status FROM step_runs WHERE deployment_id = 1 ORDER BY id`,
    );
    expect(steps.rows).toEqual(
      ['unit_tests', 'build_image', 'artifact_check', 'deploy', 'smoke_tests', 'health_check'].map(
        (step_id) => ({ step_id, status: 'succeeded' }),
      ),
    );

    // Go, then stage 1 soaks its hour and is promoted to stage 2.
    await click('gonogo_proceed', users.lead);
    await click('stage_promote', users.lead);
    await harness.waitForState(1, 'success_window', 20_000);
    expect(await harness.deployment(1)).toMatchObject({ stageIndex: 1, currentPercent: 0 });

    // Something is wrong at stage 2: roll back.
    await harness.client.command('rollback health endpoint flapping after the image change', {
      user: users.lead,
    });
    await harness.waitForState(1, 'rolled_back', 20_000);
    await harness.outboxDrained();
    expect((await commands()).at(-1)).toBe('deploy --rollback-to=v1.9.0');
    expect((await workspace.invocations()).slice(-2)).toEqual([
      '  env CLUSTER=orders-production AWS_REGION=eu-central-1',
      '  env REGISTRY_TOKEN=set',
    ]);
    expect(await workspace.state('current-version')).toBe('v1.9.0');
    const revert = await harness.db.query<{ status: string }>(
      `SELECT status FROM step_runs WHERE deployment_id = 1 AND phase = 'rollback'`,
    );
    expect(revert.rows).toEqual([{ status: 'succeeded' }]);
    expect(harness.slack.messages('C_MGMT').some((m) => m.text.includes('rolled back'))).toBe(true);

    // Nothing in Slack claims a share of traffic.
    const everything = harness.slack.messages().map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`);
    expect(everything.filter((text) => stageShare.test(text))).toEqual([]);
    // The secret is nowhere: not in what Slack got, not in anything stored.
    const slack = JSON.stringify([harness.slack.calls, harness.slack.responses]);
    expect(slack).not.toContain(registryToken);
    for (const table of ['deployments', 'step_runs', 'notifications', 'prompts', 'audit_log', 'timers']) {
      const rows = await harness.db.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM ${table} t`,
      );
      expect(
        rows.rows.filter((r) => r.row.includes(registryToken)),
        table,
      ).toEqual([]);
    }
  }, 60_000);
});
