// What a step's command gets in its environment (README "What a step gets"), through the real
// settings, executeStep and runner: a script in a scratch workspace writes what it saw to env.json.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { settingsFrom } from '../../../src/boot/runtime.js';
import { loadConfig } from '../../../src/config.js';
import { executeStep } from '../../../src/deploy/flow/execute-step.js';
import { resolveStep, shiftStepId } from '../../../src/deploy/flow/resolve-step.js';
import type { Deployment } from '../../../src/infra/db/deployments.js';
import { stepEnvironment } from '../../../src/infra/run/step-environment.js';
import { parsePlan } from '../../../src/plan/load-plan.js';
import type { Plan } from '../../../src/plan/schema.js';

const run = promisify(execFile);

// Values a real bot holds: its own credentials and settings, and credentials meant for deploy scripts.
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const awsSession = 'FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE';
const scriptWebhook = 'https://hooks.example.com/services/T000/B000/deployhookvalue';
const botEnv = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/home/stagecoach',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'UTC',
  TMPDIR: tmpdir(),
  USER: 'stagecoach',
  LOGNAME: 'stagecoach',
  SHELL: '/bin/sh',
  SLACK_BOT_TOKEN: 'xoxb-the-bots-own-token',
  SLACK_SIGNING_SECRET: 'the-bots-signing-secret',
  DATABASE_URL: 'postgres://stagecoach:botdbpassword@db:5432/stagecoach',
  REDIS_URL: 'redis://redis:6379',
  APP_DATABASE_URL: 'postgres://app:appdbpassword@db:5432/app',
  STATUS_WEBHOOK_URL: 'https://status.example.com/hooks/statushookvalue',
  INAPP_WEBHOOK_URL: 'https://app.example.com/hooks/inapphookvalue',
  PROMETHEUS_URL: 'http://prometheus.internal:9090',
  SMTP_URL: 'smtp://mailer:smtppassword@mail.example.com:587',
  GITHUB_TOKEN: 'ghp_thebotsgithubtoken',
  AWS_SECRET_ACCESS_KEY: awsSecret,
  AWS_SESSION_TOKEN: awsSession,
  SLACK_WEBHOOK_URL: scriptWebhook,
};
const botOwn = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'DATABASE_URL',
  'REDIS_URL',
  'APP_DATABASE_URL',
  'STATUS_WEBHOOK_URL',
  'INAPP_WEBHOOK_URL',
  'PROMETHEUS_URL',
  'SMTP_URL',
  'GITHUB_TOKEN',
];

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw YAML data freely.
type RawPlan = Record<string, any>;

const printEnv = `import { writeFileSync } from 'node:fs';
writeFileSync('env.json', JSON.stringify({ env: process.env, argv: process.argv.slice(2) }));
for (const [name, value] of Object.entries(process.env).sort()) console.log(name + '=' + value);
`;

interface Seen {
  env: Record<string, string>;
  argv: string[];
}

describe('the environment of a step', () => {
  let workspace: string;
  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'stagecoach-step-env-'));
    await writeFile(path.join(workspace, 'print-env.mjs'), printEnv);
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  /** The shipped plan with a first step `show_env` running print-env.mjs, edited by `edit`. */
  function planWith(edit: (raw: RawPlan, step: RawPlan) => void = () => {}): Plan {
    const raw = parse(readFileSync('templates/plans/medplum-v4.yaml', 'utf8')) as RawPlan;
    const step: RawPlan = {
      id: 'show_env',
      name: 'Show the environment',
      phase: 'pre_deployment',
      timeout: '1m',
      run: { kind: 'command', command: [process.execPath, 'print-env.mjs'] },
    };
    raw.steps.unshift(step);
    edit(raw, step);
    return parsePlan(stringify(raw), 'templates/plans/step-env.yaml');
  }

  function deploymentOf(environment = 'production', version = 'v4.0.0'): Deployment {
    const at = new Date();
    return {
      id: 7,
      environment,
      version,
      previousVersion: 'v3.9.0',
      state: 'running',
      stageIndex: null,
      currentPercent: 0,
      stageStartedAt: null,
      heldFrom: null,
      startedBy: 'ULEAD',
      channelId: 'C_DEPLOY',
      rootTs: null,
      backupFile: null,
      schemaChanged: false,
      dryRun: false,
      planName: 'step-env',
      variables: {},
      revision: 1,
      createdAt: at,
      updatedAt: at,
      endedAt: null,
    };
  }

  /** Runs `stepId` the way a worker does, with settings built from `env` as start-up builds them. */
  async function runStep(
    plan: Plan,
    options: { stepId?: string; environment?: string; env?: Record<string, string> } = {},
  ) {
    const env = options.env ?? botEnv;
    const config = loadConfig({ ...env, WORKSPACE_DIR: workspace, LOG_LEVEL: 'silent' });
    const settings = settingsFrom(config, plan, stepEnvironment(env), env);
    const step = resolveStep(plan, options.stepId ?? 'show_env');
    if (!step) throw new Error(`no step ${options.stepId}`);
    const outcome = await executeStep({
      step,
      plan,
      settings,
      deployment: deploymentOf(options.environment),
    });
    const seen = await readFile(path.join(workspace, 'env.json'), 'utf8').then(
      (text) => JSON.parse(text) as Seen,
      () => undefined,
    );
    await rm(path.join(workspace, 'env.json'), { force: true });
    return { outcome, seen };
  }

  it("is a documented minimum plus STAGECOACH_*, never the bot's credentials or settings", async () => {
    const { outcome, seen } = await runStep(planWith());
    expect(outcome.status).toBe('succeeded');
    expect(seen?.env).toMatchObject({
      PATH: botEnv.PATH,
      HOME: '/home/stagecoach',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'UTC',
      TMPDIR: botEnv.TMPDIR,
      USER: 'stagecoach',
      LOGNAME: 'stagecoach',
      SHELL: '/bin/sh',
      STAGECOACH_DEPLOYMENT_ID: '7',
      STAGECOACH_VERSION: 'v4.0.0',
      STAGECOACH_ENVIRONMENT: 'production',
      STAGECOACH_PREVIOUS_VERSION: 'v3.9.0',
      STAGECOACH_STEP_ID: 'show_env',
    });
    for (const name of [...botOwn, 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'SLACK_WEBHOOK_URL']) {
      expect(seen?.env, name).not.toHaveProperty(name);
    }
    // Not a traffic step: no stage percentage.
    expect(seen?.env).not.toHaveProperty('STAGECOACH_PERCENT');
  });

  it('gets a variable of the bot only when the plan lists it in secrets, and its value is redacted', async () => {
    const plan = planWith((raw, step) => {
      raw.secrets = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
      step.secrets = ['SLACK_WEBHOOK_URL'];
    });
    const { outcome, seen } = await runStep(plan);
    expect(outcome.status).toBe('succeeded');
    expect(seen?.env.AWS_SECRET_ACCESS_KEY).toBe(awsSecret);
    expect(seen?.env.AWS_SESSION_TOKEN).toBe(awsSession);
    expect(seen?.env.SLACK_WEBHOOK_URL).toBe(scriptWebhook);
    // Asking for some secrets brings no other variable of the bot along.
    for (const name of botOwn) expect(seen?.env, name).not.toHaveProperty(name);
    // What the step printed is stored and shown redacted.
    expect(outcome.outputTail).toContain('AWS_SECRET_ACCESS_KEY=[redacted]');
    expect(outcome.outputTail).toContain('SLACK_WEBHOOK_URL=[redacted]');
    for (const value of [awsSecret, awsSession, scriptWebhook]) {
      expect(outcome.outputTail).not.toContain(value);
      expect(outcome.summary).not.toContain(value);
    }
  });

  it('refuses to run a step whose secret is not set, naming it', async () => {
    const plan = planWith((raw) => {
      raw.secrets = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
    });
    const { AWS_SESSION_TOKEN: _unset, ...withoutSession } = botEnv;
    const { outcome, seen } = await runStep(plan, { env: withoutSession });
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toMatch(/AWS_SESSION_TOKEN is named in the plan's secrets but not set/);
    expect(outcome.summary).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(seen).toBeUndefined();
  });

  it('passes plain env values per plan, environment and step, later levels over earlier ones', async () => {
    const plan = planWith((raw, step) => {
      raw.env = {
        AWS_REGION: 'us-east-1',
        CLUSTER: 'default',
        LOG_LEVEL: 'info',
        RELEASE: '{{environment}}-{{version}}',
        PORT: 8080,
      };
      raw.perEnvironment = {
        staging: { env: { CLUSTER: 'staging-eks', AWS_REGION: 'eu-west-1' } },
        production: { env: { CLUSTER: 'prod-eks' } },
      };
      step.env = { LOG_LEVEL: 'debug', CLUSTER: 'step-{{environment}}-cluster' };
    });
    const staging = (await runStep(plan, { environment: 'staging' })).seen?.env;
    const production = (await runStep(plan, { environment: 'production' })).seen?.env;
    expect(staging).toMatchObject({ AWS_REGION: 'eu-west-1', LOG_LEVEL: 'debug', PORT: '8080' });
    expect(production).toMatchObject({ AWS_REGION: 'us-east-1', LOG_LEVEL: 'debug', PORT: '8080' });
    expect(staging?.RELEASE).toBe('staging-v4.0.0');
    expect(production?.RELEASE).toBe('production-v4.0.0');
    // The step's own value wins over its environment's.
    expect(staging?.CLUSTER).toBe('step-staging-cluster');

    // Another step, without env of its own, sees the environment's value over the plan's.
    const other = planWith((raw) => {
      raw.env = { CLUSTER: 'default' };
      raw.perEnvironment = { staging: { env: { CLUSTER: 'staging-eks' } } };
    });
    expect((await runStep(other, { environment: 'staging' })).seen?.env.CLUSTER).toBe('staging-eks');
    expect((await runStep(other, { environment: 'production' })).seen?.env.CLUSTER).toBe('default');
  });

  it("takes an environment's secrets only for that environment", async () => {
    const plan = planWith((raw) => {
      raw.perEnvironment = { production: { secrets: ['AWS_SECRET_ACCESS_KEY'] } };
    });
    expect((await runStep(plan, { environment: 'production' })).seen?.env.AWS_SECRET_ACCESS_KEY).toBe(
      awsSecret,
    );
    expect((await runStep(plan, { environment: 'staging' })).seen?.env).not.toHaveProperty(
      'AWS_SECRET_ACCESS_KEY',
    );
  });

  it('tells a traffic shift its stage percentage', async () => {
    const plan = planWith((raw) => {
      const command = [process.execPath, 'print-env.mjs', '--percent={{percent}}'];
      if (raw.trafficShift) raw.trafficShift.command = command;
      else raw.traffic.command = command;
      raw.env = { AWS_REGION: 'us-east-1' };
    });
    const { outcome, seen } = await runStep(plan, { stepId: shiftStepId('expanded') });
    expect(outcome.status).toBe('succeeded');
    expect(seen?.argv).toEqual(['--percent=50']);
    expect(seen?.env).toMatchObject({ STAGECOACH_PERCENT: '50', AWS_REGION: 'us-east-1' });
  });

  describe('{{gitSha}}', () => {
    const git = (...args: string[]) =>
      run('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd: workspace });

    it('is the commit the version names in the workspace repository, also as STAGECOACH_GIT_SHA', async () => {
      await git('init', '--quiet');
      await git('add', 'print-env.mjs');
      await git('commit', '--quiet', '-m', 'first');
      // An annotated tag: the tag object is not the commit.
      await git('tag', '-a', 'v4.0.0', '-m', 'release v4.0.0');
      await writeFile(path.join(workspace, 'later.txt'), 'later');
      await git('add', 'later.txt');
      await git('commit', '--quiet', '-m', 'after the release');
      const sha = (await git('rev-parse', 'v4.0.0^{commit}')).stdout.trim();
      const head = (await git('rev-parse', 'HEAD')).stdout.trim();
      expect(sha).not.toBe(head);

      const plan = planWith((_raw, step) => {
        step.run.command = [process.execPath, 'print-env.mjs', '--sha={{gitSha}}'];
        step.env = { IMAGE_TAG: 'app:{{gitSha}}' };
      });
      const { outcome, seen } = await runStep(plan);
      expect(outcome.status).toBe('succeeded');
      expect(seen?.argv).toEqual([`--sha=${sha}`]);
      expect(seen?.env.STAGECOACH_GIT_SHA).toBe(sha);
      expect(seen?.env.IMAGE_TAG).toBe(`app:${sha}`);
    });

    it('has no value outside a git repository: the variable is unset and a command using it fails clearly', async () => {
      const { seen } = await runStep(planWith());
      expect(seen?.env).not.toHaveProperty('STAGECOACH_GIT_SHA');
      const plan = planWith((_raw, step) => {
        step.run.command = [process.execPath, 'print-env.mjs', '--sha={{gitSha}}'];
      });
      // Refused before anything runs; the worker records it as the step's failure (flow/run-step.ts).
      await expect(runStep(plan)).rejects.toThrow(/\{\{gitSha\}\} has no value/);
    });
  });
});
