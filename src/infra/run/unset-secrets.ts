// The secrets a deployment's commands would get but Stagecoach's environment does not set, found at
// `/deploy start` before anything changes: a deploy script that starts without its credentials
// fails halfway, after earlier steps changed things.
import type { WorkspaceProblem } from '../../plan/check-workspace.js';
import type { EnvLevel } from '../../plan/env-fields.js';
import type { FieldPath } from '../../plan/fields.js';
import type { Plan } from '../../plan/schema.js';
import { secretValue } from './step-environment.js';

/** Where a level sits in the plan, how a person reads it, the level, and the commands it reaches. */
type Level = [FieldPath, string, EnvLevel, string[]];

interface Unset {
  path: FieldPath;
  namedBy: string[];
  neededBy: Set<string>;
}

/**
 * Each secret a deployment of `environment` passes (the plan's, the environment's, a command step's)
 * that `secretEnv` (the values read at start-up) lacks: one problem per name, saying which commands
 * need it and where the plan names it. Never a value: only names are known here.
 */
export function unsetSecrets(
  plan: Plan,
  environment: string,
  secretEnv: Readonly<Record<string, string>>,
): WorkspaceProblem[] {
  const commandSteps = plan.steps.flatMap((step, i) => (step.run.kind === 'command' ? [{ step, i }] : []));
  // The plan's and the environment's secrets reach every command it runs, not only its steps.
  const everyCommand = [
    ...commandSteps.map(({ step }) => `step ${step.id}`),
    ...(plan.traffic.mode === 'command' ? ['the traffic shifts'] : []),
    'the revert',
    ...(plan.rollback.currentVersion ? ['rollback.currentVersion'] : []),
    ...plan.successCriteria.integrationChecks.map((check) => `integration check ${check.id}`),
  ];
  const own = plan.perEnvironment?.[environment];
  const levels: Level[] = [
    [[], "the plan's secrets", plan, everyCommand],
    ...(own
      ? [
          [
            ['perEnvironment', environment],
            `perEnvironment.${environment}.secrets`,
            own,
            everyCommand,
          ] as Level,
        ]
      : []),
    ...commandSteps.map(
      ({ step, i }): Level => [['steps', i], `step ${step.id}'s secrets`, step, [`step ${step.id}`]],
    ),
  ];
  const unset = new Map<string, Unset>();
  for (const [path, where, level, commands] of levels) {
    (level.secrets ?? []).forEach((name, i) => {
      if (secretValue(secretEnv, name) !== undefined) return;
      const found = unset.get(name) ?? { path: [...path, 'secrets', i], namedBy: [], neededBy: new Set() };
      found.namedBy.push(where);
      for (const command of commands) found.neededBy.add(command);
      unset.set(name, found);
    });
  }
  return [...unset].map(([name, { path, namedBy, neededBy }]) => {
    const needed = [...neededBy];
    return {
      path,
      what: `secret ${name} is not set in Stagecoach's environment, and ${commandList(needed)} ${needed.length === 1 ? 'needs' : 'need'} it (named in ${namedBy.join(' and ')})`,
      fix: `set ${name} where Stagecoach runs (its service environment or .env) and restart Stagecoach, or remove it from secrets`,
    };
  });
}

/** `steps a, b and c, the revert and integration check d`: the steps said once, as one group. */
function commandList(commands: string[]): string {
  const steps = commands.filter((command) => command.startsWith('step ')).map((command) => command.slice(5));
  const others = commands.filter((command) => !command.startsWith('step '));
  const stepGroup =
    steps.length === 0 ? [] : [`${steps.length === 1 ? 'step' : 'steps'} ${steps.join(', ')}`];
  const items = [...stepGroup, ...others];
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
