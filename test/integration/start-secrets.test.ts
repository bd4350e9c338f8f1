// Issue #15: a secret the plan passes to this environment's commands but Stagecoach's environment
// does not set stops `/deploy start` (a dry run too) before anything changes, instead of failing
// the step that needs it halfway through the deployment.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { type Harness, startHarness, users } from '../support/harness.js';

/** The Medplum plan passing a registry token to every command and a hook to the frontend step. */
const withSecrets = (plan: Plan): Plan => ({
  ...plan,
  secrets: ['REGISTRY_TOKEN'],
  perEnvironment: { staging: { secrets: ['STAGING_ONLY_KEY'] } },
  steps: plan.steps.map((step) => (step.id === 'frontend' ? { ...step, secrets: ['FRONTEND_HOOK'] } : step)),
});

describe('/deploy start and the secrets the plan passes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    vi.unstubAllEnvs();
  });

  const answer = async (text: string) => {
    const before = (h as Harness).slack.responses.length;
    const reply = await (h as Harness).client.command(text, { user: users.lead });
    expect(reply.status).toBe(200);
    return ((h as Harness).slack.responses.slice(before).at(-1)?.body ?? reply.json) as {
      text: string;
      response_type?: string;
    };
  };
  const deploymentCount = async () =>
    Number((await (h as Harness).db.query('SELECT count(*) FROM deployments')).rows[0].count);

  it('refuses, naming each unset secret, the steps that need it and the fix, and runs nothing', async () => {
    vi.stubEnv('REGISTRY_TOKEN', '');
    vi.stubEnv('FRONTEND_HOOK', undefined);
    h = await startHarness({ plan: withSecrets });
    for (const text of ['start v4.0.0', 'start v4.0.0 --dry-run']) {
      const body = await answer(text);
      expect(body.response_type ?? 'ephemeral').toBe('ephemeral');
      expect(body.text).toMatch(
        /^Not started: the plan names what this host does not have \(nothing was changed\)/,
      );
      const lines = body.text.split('\n').filter((line) => line.startsWith('• '));
      expect(lines).toEqual([
        expect.stringMatching(
          /^• secret REGISTRY_TOKEN is not set in Stagecoach's environment, and steps verification_tests, .*frontend.*, the traffic shifts, the revert, .* need it \(named in the plan's secrets\) — fix: set REGISTRY_TOKEN where Stagecoach runs \(its service environment or \.env\) and restart Stagecoach, or remove it from secrets$/,
        ),
        expect.stringMatching(
          /^• secret FRONTEND_HOOK is not set in Stagecoach's environment, and step frontend needs it \(named in step frontend's secrets\) — fix: set FRONTEND_HOOK where .*\.env/,
        ),
      ]);
      // The staging secret is not this deployment's business.
      expect(body.text).not.toContain('STAGING_ONLY_KEY');
    }
    expect(await deploymentCount()).toBe(0);
    // Not even the running version was asked for: nothing of the plan ran.
    expect(await (h as Harness).workspace.invocations()).toEqual([]);
  });

  it('starts once they are set, and never shows their values', async () => {
    vi.stubEnv('REGISTRY_TOKEN', 'registry-token-value');
    vi.stubEnv('FRONTEND_HOOK', 'frontend-hook-value');
    h = await startHarness({ plan: withSecrets });
    const body = await answer('start v4.0.0 --dry-run');
    expect(body.text).toMatch(/Started deployment #1/);
    expect(await deploymentCount()).toBe(1);
    const said = JSON.stringify([(h as Harness).slack.calls, (h as Harness).slack.responses]);
    expect(said).not.toContain('registry-token-value');
    expect(said).not.toContain('frontend-hook-value');
  });
});
