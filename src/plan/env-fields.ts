// The `env:` and `secrets:` keys of a plan (plan level, `perEnvironment.<name>`, each step): what a
// plan passes to its commands by name. src/infra/run/step-environment.ts builds the environment.
import { z } from 'zod';
import { type FieldPath, fixSeparator, says } from './fields.js';

/** Stagecoach's own credentials: no plan may hand them to a command, whatever it calls itself. */
export const botCredentials = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
  'STATUSPAGE_API_KEY',
] as const;

/** Set by Stagecoach for every command (STAGECOACH_VERSION, ...): a plan cannot redefine them. */
export const reservedPrefix = 'STAGECOACH_';

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const badName = says('expected an environment variable name', "use letters, digits and '_', e.g. AWS_REGION");
const reserved = says(
  `${reservedPrefix}* variables are set by Stagecoach`,
  'choose another name: STAGECOACH_VERSION, STAGECOACH_GIT_SHA and the others are always there',
);

/** What is wrong with a variable name, as `says()` text; undefined when it is fine. */
function nameProblem(name: string): string | undefined {
  if (!namePattern.test(name)) return badName;
  if (name.toUpperCase().startsWith(reservedPrefix)) return reserved;
  return undefined;
}

const envName = z
  .string()
  .regex(namePattern, badName)
  .refine((name) => !name.toUpperCase().startsWith(reservedPrefix), { error: reserved });

/** `env:`: plain values, which may use the plan's template variables (`{{version}}`). */
export const envValues = z.record(
  // Names are checked in checkEnv: zod reports a bad record key only as "Invalid key in record".
  // The pattern is still given to editors (templates/plans/plan.schema.json).
  z.string().meta({ pattern: namePattern.source }),
  // YAML writes `PORT: 8080` and `DEBUG: true` without quotes; a variable is text either way.
  z
    .union([z.string(), z.number(), z.boolean()], {
      error: says(
        'expected a plain value',
        "write a string, number or boolean, e.g. AWS_REGION: 'us-east-1'",
      ),
    })
    .transform(String),
);

/** `secrets:`: variables taken from Stagecoach's own environment by name, redacted from all output. */
export const secretNames = z.array(
  envName.refine((name) => !(botCredentials as readonly string[]).includes(name), {
    error: says(
      "is Stagecoach's own credential and never reaches a command",
      'give the command a credential of its own, under another name',
    ),
  }),
);

/** What one level of the plan (the plan, an environment, a step) passes to commands. */
export interface EnvLevel {
  env?: Record<string, string> | undefined;
  secrets?: readonly string[] | undefined;
}

/** `perEnvironment.<name>`: what only that environment's deployments pass. */
export const perEnvironment = z.record(
  z.string(),
  z.strictObject({ env: envValues.optional(), secrets: secretNames.optional() }),
);

/** The parts of a plan these rules read (structural, so the plan schema can call them). */
interface EnvPlan extends EnvLevel {
  environments: readonly string[];
  perEnvironment?: Record<string, EnvLevel> | undefined;
  steps: readonly EnvLevel[];
}

/** Every level of the plan that may pass variables, with where it sits. */
export function envLevelsOf(plan: EnvPlan): [FieldPath, EnvLevel][] {
  return [
    [[], plan],
    ...Object.entries(plan.perEnvironment ?? {}).map(([name, level]): [FieldPath, EnvLevel] => [
      ['perEnvironment', name],
      level,
    ]),
    ...plan.steps.map((step, i): [FieldPath, EnvLevel] => [['steps', i], step]),
  ];
}

/** Rules across the env keys: known environments, and each name said once per level. */
export function checkEnv(plan: EnvPlan, problem: (path: FieldPath, what: string, fix: string) => void): void {
  for (const name of Object.keys(plan.perEnvironment ?? {})) {
    if (!plan.environments.includes(name))
      problem(
        ['perEnvironment', name],
        `'${name}' is not one of the environments`,
        `use one of: ${plan.environments.join(', ')}`,
      );
  }
  for (const [path, level] of envLevelsOf(plan)) {
    for (const name of Object.keys(level.env ?? {})) {
      const message = nameProblem(name);
      if (message) {
        const [what = message, fix = ''] = message.split(fixSeparator);
        problem([...path, 'env', name], what, fix);
      }
    }
    const seen = new Set<string>();
    (level.secrets ?? []).forEach((name, i) => {
      if (seen.has(name))
        problem([...path, 'secrets', i], `${name} is listed twice`, 'list each secret once');
      seen.add(name);
      if (level.env && Object.hasOwn(level.env, name))
        problem(
          [...path, 'secrets', i],
          `${name} is both a plain env value and a secret here`,
          "keep it in env (written in the plan) or in secrets (taken from Stagecoach's environment), not both",
        );
    });
  }
}

/** Every `env:` value, for the template variable check. */
export function envTemplates(plan: EnvPlan): [FieldPath, string][] {
  return envLevelsOf(plan).flatMap(([path, level]) =>
    Object.entries(level.env ?? {}).map(([name, value]): [FieldPath, string] => [
      [...path, 'env', name],
      value,
    ]),
  );
}
