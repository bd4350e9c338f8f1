// The environment of every plan command, by design (README "What a step gets"): a few variables a
// program needs from Stagecoach's own environment, STAGECOACH_* describing the run, and what the
// plan passes by name. Nothing else of Stagecoach's environment reaches a command: not its Slack
// token, its database and Redis URLs, nor its other settings (webhooks, Prometheus, SMTP).
import type { EnvLevel } from '../../plan/env-fields.js';
import type { FieldPath } from '../../plan/fields.js';
import type { Plan } from '../../plan/schema.js';
import { substituteEnvValue, type TemplateVars } from '../../plan/variables.js';

/** What a command takes from Stagecoach's environment: enough to run a program and format text. */
const inherited = /^(PATH|HOME|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|USER|LOGNAME|SHELL)$/;

/** The minimal environment every plan command starts from (settings.stepEnv). */
export function stepEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && inherited.test(name)) kept[name] = value;
  }
  return kept;
}

/** The parts of a plan that pass variables to commands. */
export type PlanEnv = Pick<Plan, 'env' | 'secrets' | 'perEnvironment'> & {
  steps: readonly (EnvLevel & { id: string })[];
};

/** The levels that apply to a command of `environment`, in order: plan, environment, step. */
function levelsFor(plan: PlanEnv, environment: string | undefined, step?: EnvLevel): EnvLevel[] {
  const own = environment === undefined ? undefined : plan.perEnvironment?.[environment];
  return [plan, ...(own ? [own] : []), ...(step ? [step] : [])];
}

/** Every name the plan takes from Stagecoach's environment, at any level and for any environment. */
export function secretNamesOf(plan: PlanEnv): string[] {
  const levels = [plan, ...Object.values(plan.perEnvironment ?? {}), ...plan.steps];
  return [...new Set(levels.flatMap((level) => level.secrets ?? []))];
}

/** A secret counts as set when it has a value: `NAME=` copied from an example file does not. */
export const secretValue = (env: Readonly<Record<string, string | undefined>>, name: string) =>
  Object.hasOwn(env, name) && env[name] !== '' ? env[name] : undefined;

/**
 * The values of the secrets the plan names, read once from Stagecoach's environment at start
 * (settings.secretEnv). Only these ever leave it, and every one of them is redacted.
 */
export function pickSecrets(plan: PlanEnv, env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of secretNamesOf(plan)) {
    const value = secretValue(env, name);
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

export interface MissingSecret {
  name: string;
  /** Where the plan names it, as zod paths read: `['perEnvironment', 'staging', 'secrets', 0]`. */
  path: FieldPath;
  /** Said for a person: `the plan`, `perEnvironment.staging`, `step 'deploy'`. */
  where: string;
}

/**
 * Secrets the plan names that `env` does not set, where each is named: `npm run validate` lists
 * them, and a step that needs one fails saying so before it starts.
 */
export function missingSecrets(plan: PlanEnv, env: NodeJS.ProcessEnv): MissingSecret[] {
  const levels: [FieldPath, string, EnvLevel][] = [
    [[], 'the plan', plan],
    ...Object.entries(plan.perEnvironment ?? {}).map(([name, level]): [FieldPath, string, EnvLevel] => [
      ['perEnvironment', name],
      `perEnvironment.${name}`,
      level,
    ]),
    ...plan.steps.map((step, i): [FieldPath, string, EnvLevel] => [['steps', i], `step '${step.id}'`, step]),
  ];
  return levels.flatMap(([path, where, level]) =>
    (level.secrets ?? []).flatMap((name, i) =>
      secretValue(env, name) === undefined ? [{ name, path: [...path, 'secrets', i], where }] : [],
    ),
  );
}

/** STAGECOACH_* variables: what the run is, for any command Stagecoach starts. */
export function runVariables(
  vars: TemplateVars,
  step?: { id: string; trafficPercent?: number | undefined },
): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') env[`STAGECOACH_${name}`] = value;
  };
  set('DEPLOYMENT_ID', vars.deploymentId);
  set('VERSION', vars.version);
  set('ENVIRONMENT', vars.environment);
  set('PREVIOUS_VERSION', vars.previousVersion);
  set('GIT_SHA', vars.gitSha);
  set('STEP_ID', step?.id);
  set('PERCENT', step?.trafficPercent === undefined ? undefined : String(step.trafficPercent));
  return env;
}

export interface CommandEnvironment {
  /** The whole environment of the command (runCommand's baseEnv). */
  env: Record<string, string>;
  /** Secrets that apply to this command but Stagecoach's environment does not set. */
  missing: string[];
}

/**
 * The environment of one command: the minimal base, then the plan's `env`/`secrets`, its
 * environment's, the step's (each level over the one before), then STAGECOACH_*.
 */
export function commandEnvironment(input: {
  /** settings.stepEnv */
  base: Readonly<Record<string, string>>;
  /** settings.secretEnv: the values of every secret the plan names, as set at start. */
  secretEnv: Readonly<Record<string, string>>;
  plan: PlanEnv;
  vars: TemplateVars;
  /** The plan step's own `env`/`secrets`, for a plan step. */
  step?: EnvLevel | undefined;
  run?: { id: string; trafficPercent?: number | undefined } | undefined;
}): CommandEnvironment {
  const env: Record<string, string> = { ...input.base };
  const missing: string[] = [];
  for (const level of levelsFor(input.plan, input.vars.environment, input.step)) {
    for (const [name, value] of Object.entries(level.env ?? {}))
      env[name] = substituteEnvValue(value, input.vars);
    for (const name of level.secrets ?? []) {
      const value = secretValue(input.secretEnv, name);
      if (value === undefined) {
        if (!missing.includes(name)) missing.push(name);
        delete env[name];
      } else env[name] = value;
    }
  }
  return { env: { ...env, ...runVariables(input.vars, input.run) }, missing };
}

/** The failure summary of a command whose secrets are not all set. */
export function missingSecretsSummary(missing: readonly string[]): string {
  const names = missing.join(', ');
  return `${names} ${missing.length === 1 ? 'is' : 'are'} named in the plan's secrets but not set in Stagecoach's environment: set ${missing.length === 1 ? 'it' : 'them'} where Stagecoach runs (and restart it), or remove ${missing.length === 1 ? 'it' : 'them'} from secrets`;
}
