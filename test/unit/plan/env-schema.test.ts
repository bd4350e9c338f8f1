// The plan's `env`, `secrets` and `perEnvironment` keys (README "What a step gets").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AppError } from '../../../src/errors.js';
import { parsePlan } from '../../../src/plan/load-plan.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw YAML data freely, including into invalid shapes.
type RawPlan = Record<string, any>;

function parseEdited(edit: (plan: RawPlan) => void) {
  const raw = parse(readFileSync('templates/plans/medplum-v4.yaml', 'utf8')) as RawPlan;
  edit(raw);
  return parsePlan(stringify(raw), 'templates/plans/bad.yaml');
}

function problems(edit: (plan: RawPlan) => void): string {
  try {
    parseEdited(edit);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('the plan was accepted');
}

describe('env and secrets in a plan', () => {
  it('accepts them at plan, environment and step level; plain values become text', () => {
    const plan = parseEdited((raw) => {
      raw.env = { AWS_REGION: 'us-east-1', PORT: 8080, DEBUG: false, RELEASE: '{{environment}}-{{gitSha}}' };
      raw.secrets = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
      raw.perEnvironment = { staging: { env: { CLUSTER: 'staging' }, secrets: ['STAGING_TOKEN'] } };
      raw.steps[0].env = { LOG_LEVEL: 'debug' };
      raw.steps[0].secrets = ['SLACK_WEBHOOK_URL', 'APP_DATABASE_URL'];
    });
    expect(plan.env).toEqual({
      AWS_REGION: 'us-east-1',
      PORT: '8080',
      DEBUG: 'false',
      RELEASE: '{{environment}}-{{gitSha}}',
    });
    expect(plan.secrets).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(plan.perEnvironment?.staging).toEqual({ env: { CLUSTER: 'staging' }, secrets: ['STAGING_TOKEN'] });
    expect(plan.steps[0]?.env).toEqual({ LOG_LEVEL: 'debug' });
    expect(plan.steps[0]?.secrets).toEqual(['SLACK_WEBHOOK_URL', 'APP_DATABASE_URL']);
  });

  it('leaves a plan without them as it was', () => {
    const plan = parseEdited(() => {});
    expect(plan.env).toBeUndefined();
    expect(plan.secrets).toBeUndefined();
    expect(plan.perEnvironment).toBeUndefined();
  });

  it("refuses Stagecoach's own credentials as secrets", () => {
    expect(problems((raw) => (raw.secrets = ['SLACK_BOT_TOKEN']))).toMatch(
      /secrets\[0\]: is Stagecoach's own credential/,
    );
    expect(problems((raw) => (raw.steps[0].secrets = ['DATABASE_URL']))).toMatch(/own credential/);
  });

  it('refuses STAGECOACH_* names and names that are not variable names', () => {
    expect(problems((raw) => (raw.env = { STAGECOACH_VERSION: 'x' }))).toMatch(
      /STAGECOACH_\* variables are set by Stagecoach/,
    );
    expect(problems((raw) => (raw.secrets = ['AWS-KEY']))).toMatch(/expected an environment variable name/);
    expect(problems((raw) => (raw.steps[0].env = { 'AWS-REGION': 'x' }))).toMatch(
      /steps\[0\]\.env\["AWS-REGION"\]: expected an environment variable name/,
    );
  });

  it('refuses an unknown environment, a name given twice and unknown template variables', () => {
    expect(problems((raw) => (raw.perEnvironment = { qa: { env: { A: 'b' } } }))).toMatch(
      /perEnvironment\.qa: 'qa' is not one of the environments/,
    );
    expect(
      problems((raw) => {
        raw.env = { TOKEN_FILE: 'x' };
        raw.secrets = ['TOKEN_FILE'];
      }),
    ).toMatch(/TOKEN_FILE is both a plain env value and a secret/);
    expect(problems((raw) => (raw.secrets = ['A_KEY', 'A_KEY']))).toMatch(/A_KEY is listed twice/);
    expect(problems((raw) => (raw.steps[0].env = { TAG: '{{commit}}' }))).toMatch(
      /steps\[0\]\.env\.TAG: unknown template variable \{\{commit\}\}/,
    );
  });

  it('refuses unknown keys in an environment entry', () => {
    expect(problems((raw) => (raw.perEnvironment = { staging: { variables: {} } }))).toMatch(
      /perEnvironment/,
    );
  });
});
