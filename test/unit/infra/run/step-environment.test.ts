import { describe, expect, it } from 'vitest';
import {
  commandEnvironment,
  missingSecrets,
  type PlanEnv,
  pickSecrets,
  stepEnvironment,
} from '../../../../src/infra/run/step-environment.js';

describe('stepEnvironment', () => {
  it("keeps only what a program needs from the bot's environment", () => {
    const kept = stepEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/bot',
      LANG: 'C.UTF-8',
      LC_CTYPE: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/tmp',
      USER: 'bot',
      LOGNAME: 'bot',
      SHELL: '/bin/sh',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_WEBHOOK_URL: 'https://hooks.example.com/x',
      DATABASE_URL: 'postgres://a:b@c/d',
      REDIS_URL: 'redis://r',
      APP_DATABASE_URL: 'postgres://a:b@c/app',
      STATUS_WEBHOOK_URL: 'https://status.example.com/hook',
      INAPP_WEBHOOK_URL: 'https://app.example.com/hook',
      PROMETHEUS_URL: 'http://prometheus:9090',
      SMTP_URL: 'smtp://a:b@mail',
      GITHUB_TOKEN: 'ghp_x',
      AWS_SECRET_ACCESS_KEY: 'secret',
      NODE_OPTIONS: '--inspect',
      WORKSPACE_DIR: '/srv/app',
    });
    expect(Object.keys(kept).sort()).toEqual(
      ['HOME', 'LANG', 'LC_CTYPE', 'LOGNAME', 'PATH', 'SHELL', 'TMPDIR', 'TZ', 'USER'].sort(),
    );
  });
});

const plan: PlanEnv = {
  env: { REGION: 'us-east-1', TARGET: 'plan', RELEASE: '{{environment}}/{{version}}' },
  secrets: ['AWS_SECRET_ACCESS_KEY'],
  perEnvironment: {
    staging: { env: { TARGET: 'staging' }, secrets: ['STAGING_KEY'] },
    production: { env: { TARGET: 'production' } },
  },
  steps: [{ id: 'deploy', env: { TARGET: 'step' }, secrets: ['DEPLOY_HOOK'] }, { id: 'build' }],
};

describe('commandEnvironment', () => {
  const base = { PATH: '/usr/bin', HOME: '/home/bot' };
  const secretEnv = pickSecrets(plan, {
    AWS_SECRET_ACCESS_KEY: 'aws-secret',
    STAGING_KEY: 'staging-key',
    DEPLOY_HOOK: 'hook',
    SLACK_BOT_TOKEN: 'xoxb-not-asked-for',
  });

  it('reads only the secrets the plan names', () => {
    expect(secretEnv).toEqual({
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      STAGING_KEY: 'staging-key',
      DEPLOY_HOOK: 'hook',
    });
  });

  it('layers plan, environment and step, then STAGECOACH_*', () => {
    const vars = { environment: 'staging', version: 'v4.0.0', deploymentId: '3', previousVersion: 'v3.9.0' };
    const { env, missing } = commandEnvironment({
      base,
      secretEnv,
      plan,
      vars,
      step: plan.steps[0],
      run: { id: 'deploy' },
    });
    expect(missing).toEqual([]);
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/bot',
      REGION: 'us-east-1',
      TARGET: 'step',
      RELEASE: 'staging/v4.0.0',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      STAGING_KEY: 'staging-key',
      DEPLOY_HOOK: 'hook',
      STAGECOACH_DEPLOYMENT_ID: '3',
      STAGECOACH_VERSION: 'v4.0.0',
      STAGECOACH_ENVIRONMENT: 'staging',
      STAGECOACH_PREVIOUS_VERSION: 'v3.9.0',
      STAGECOACH_STEP_ID: 'deploy',
    });
  });

  it("gives another environment its own values and not staging's secrets", () => {
    const { env } = commandEnvironment({
      base,
      secretEnv,
      plan,
      vars: { environment: 'production', version: 'v4.0.0' },
      step: plan.steps[1],
      run: { id: 'build', trafficPercent: 50 },
    });
    expect(env.TARGET).toBe('production');
    expect(env).not.toHaveProperty('STAGING_KEY');
    expect(env).not.toHaveProperty('DEPLOY_HOOK');
    expect(env.STAGECOACH_PERCENT).toBe('50');
    // A variable without a value is empty in env, never a refusal.
    expect(env).not.toHaveProperty('STAGECOACH_PREVIOUS_VERSION');
  });

  it('names the secrets that apply but are not set, and leaves them out', () => {
    const { env, missing } = commandEnvironment({
      base,
      secretEnv: { AWS_SECRET_ACCESS_KEY: 'aws-secret' },
      plan,
      vars: { environment: 'staging', version: 'v4.0.0' },
      step: plan.steps[0],
    });
    expect(missing).toEqual(['STAGING_KEY', 'DEPLOY_HOOK']);
    expect(env).not.toHaveProperty('STAGING_KEY');
  });
});

describe('missingSecrets', () => {
  it('lists each unset secret where the plan names it; an empty value counts as unset', () => {
    expect(missingSecrets(plan, { AWS_SECRET_ACCESS_KEY: 'x', STAGING_KEY: '' })).toEqual([
      {
        name: 'STAGING_KEY',
        path: ['perEnvironment', 'staging', 'secrets', 0],
        where: 'perEnvironment.staging',
      },
      { name: 'DEPLOY_HOOK', path: ['steps', 0, 'secrets', 0], where: "step 'deploy'" },
    ]);
    expect(missingSecrets(plan, { AWS_SECRET_ACCESS_KEY: 'x', STAGING_KEY: 'y', DEPLOY_HOOK: 'z' })).toEqual(
      [],
    );
  });
});
