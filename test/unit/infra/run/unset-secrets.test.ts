// `/deploy start` refuses before anything changes when a secret its commands get is not set.
import { describe, expect, it } from 'vitest';
import { unsetSecrets } from '../../../../src/infra/run/unset-secrets.js';
import { describeWorkspaceProblem } from '../../../../src/plan/check-workspace.js';
import { loadPlan } from '../../../../src/plan/load-plan.js';
import type { Plan } from '../../../../src/plan/schema.js';

// The container service: REGISTRY_TOKEN for every command, no traffic command, one integration check.
const example = loadPlan('examples/container-service/plan.yaml');
const plan: Plan = {
  ...example,
  perEnvironment: {
    ...example.perEnvironment,
    production: { ...example.perEnvironment?.production, secrets: ['PROD_DEPLOY_KEY'] },
  },
  steps: example.steps.map((step) =>
    step.id === 'deploy'
      ? { ...step, secrets: ['DEPLOY_HOOK', 'REGISTRY_TOKEN'] }
      : step.id === 'health_check'
        ? // Not a command: nothing of it gets a secret, so nothing needs one.
          { ...step, secrets: ['UNUSED_BY_HTTP'] }
        : step,
  ),
};

describe('unsetSecrets', () => {
  it('names each unset secret once, with the commands that need it and where the plan names it', () => {
    const lines = unsetSecrets(plan, 'production', {}).map(describeWorkspaceProblem);
    expect(lines).toEqual([
      "secret REGISTRY_TOKEN is not set in Stagecoach's environment, and steps unit_tests, build_image, deploy, smoke_tests, the revert, rollback.currentVersion and integration check smoke_again need it (named in the plan's secrets and step deploy's secrets) — fix: set REGISTRY_TOKEN where Stagecoach runs (its service environment or .env) and restart Stagecoach, or remove it from secrets",
      "secret PROD_DEPLOY_KEY is not set in Stagecoach's environment, and steps unit_tests, build_image, deploy, smoke_tests, the revert, rollback.currentVersion and integration check smoke_again need it (named in perEnvironment.production.secrets) — fix: set PROD_DEPLOY_KEY where Stagecoach runs (its service environment or .env) and restart Stagecoach, or remove it from secrets",
      "secret DEPLOY_HOOK is not set in Stagecoach's environment, and step deploy needs it (named in step deploy's secrets) — fix: set DEPLOY_HOOK where Stagecoach runs (its service environment or .env) and restart Stagecoach, or remove it from secrets",
    ]);
  });

  it("asks only for the deployment's environment; an empty value counts as unset", () => {
    const problems = unsetSecrets(plan, 'staging', { REGISTRY_TOKEN: 'token', DEPLOY_HOOK: '' });
    expect(problems.map((problem) => [problem.path, problem.what.split(' ')[1]])).toEqual([
      [['steps', 3, 'secrets', 0], 'DEPLOY_HOOK'],
    ]);
    expect(unsetSecrets(plan, 'staging', { REGISTRY_TOKEN: 'token', DEPLOY_HOOK: 'hook' })).toEqual([]);
  });

  it('never says a value', () => {
    const values = { REGISTRY_TOKEN: 'registry-value', DEPLOY_HOOK: 'hook-value' };
    const text = JSON.stringify(unsetSecrets(plan, 'production', values));
    expect(text).toContain('PROD_DEPLOY_KEY');
    for (const value of Object.values(values)) expect(text).not.toContain(value);
  });
});
