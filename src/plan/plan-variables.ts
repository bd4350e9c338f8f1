// The plan's own template variables (`variables:`): each a command run once when a deployment
// starts, whose output is `{{name}}` in the commands, URLs and `env` values that run after it.
// src/deploy/flow/compute-plan-variables.ts runs them; the value is stored with the deployment.
import { collectCommandTemplates, type FieldPath } from './fields.js';
import {
  findSingleBraced,
  findVariables,
  isTemplateVariable,
  type TemplateVariable,
  templateVariables,
} from './variables.js';

/** What may go between `{{ }}`: the same names the placeholder pattern reads. */
export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The longest value a variable may print: a tag, a digest or a URL fits; a log does not. */
export const maxVariableLength = 500;

/**
 * The built-in variables that have a value when the plan's variables are computed, before the
 * deployment is recorded: no deployment id, backup or stage percentage yet, and no other variable.
 */
export const knownAtStart: readonly TemplateVariable[] = [
  'version',
  'environment',
  'previousVersion',
  'workspaceDir',
  'appLogFile',
  'healthcheckUrl',
  'gitSha',
];

interface CommandFields {
  command: string[];
  cwd?: string | undefined;
}

interface VariablesPlan {
  variables?: Record<string, CommandFields> | undefined;
  rollback: { currentVersion?: CommandFields | undefined };
}

/** The names of the plan's own variables, in the order the plan gives them. */
export function planVariableNames(plan: VariablesPlan): string[] {
  return Object.keys(plan.variables ?? {});
}

/** Names that can be filled in, and commands that use only what has a value when they run. */
export function checkVariables(
  plan: VariablesPlan,
  problem: (path: FieldPath, what: string, fix: string) => void,
): void {
  const names = planVariableNames(plan);
  // The rollback target is found before the variables are computed (they may use it).
  const { currentVersion } = plan.rollback;
  for (const [field, value] of currentVersion ? collectCommandTemplates(currentVersion) : []) {
    for (const used of findVariables(value).filter((name) => names.includes(name)))
      problem(
        ['rollback', 'currentVersion', ...field],
        `uses the plan variable {{${used}}}, which is computed only after the running version is known`,
        'use only built-in variables such as {{environment}} here',
      );
  }
  const usable = knownAtStart.map((name) => `{{${name}}}`).join(', ');
  for (const [name, spec] of Object.entries(plan.variables ?? {})) {
    const at = (field: FieldPath = []): FieldPath => ['variables', name, ...field];
    if (!variableNamePattern.test(name))
      problem(
        at(),
        'expected a variable name',
        "start with a letter and use only letters, digits and '_', e.g. releaseTag",
      );
    else if (isTemplateVariable(name))
      problem(
        at(),
        `{{${name}}} is a built-in variable`,
        `choose another name; the built-in ones are ${templateVariables.join(', ')}`,
      );
    for (const [field, value] of collectCommandTemplates(spec)) {
      for (const used of findVariables(value)) {
        if ((knownAtStart as readonly string[]).includes(used)) continue;
        const known = isTemplateVariable(used) || names.includes(used);
        problem(
          at(field),
          known
            ? `uses {{${used}}}, which has no value yet when the plan's variables are computed`
            : `unknown template variable {{${used}}}`,
          `use only ${usable}`,
        );
      }
      for (const braced of findSingleBraced(value, names))
        problem(
          at(field),
          `{${braced}} has single braces and would be passed literally`,
          `write {{${braced}}}`,
        );
    }
  }
}
