import { AppError } from '../errors.js';

/**
 * The built-in names a plan may put between `{{ }}` in a command, cwd, URL or file; beside them, the
 * plan's own `variables:` (src/plan/plan-variables.ts), computed at start.
 */
export const templateVariables = [
  'version',
  'environment',
  'percent',
  'backupFile',
  'previousVersion',
  'healthcheckUrl',
  'appLogFile',
  'deploymentId',
  'workspaceDir',
  // The commit being deployed: `git rev-parse <version>^{commit}` in WORKSPACE_DIR when the step
  // runs; no value when the workspace cannot resolve the version (see src/infra/run/git-sha.ts).
  'gitSha',
] as const;
export type TemplateVariable = (typeof templateVariables)[number];
/**
 * The values of `{{name}}`: the built-in variables, and each of the plan's own by its name. A plan
 * variable is present even without a value (undefined), so it is known: "has no value", not unknown.
 */
export type TemplateVars = Partial<Record<TemplateVariable, string>> & {
  readonly [planVariable: string]: string | undefined;
};

/** A name that may be filled in: built in, or one of the plan's own variables given in `vars`. */
function isKnown(name: string, vars: TemplateVars): boolean {
  return isTemplateVariable(name) || Object.hasOwn(vars, name);
}

function unknownVariable(name: string, vars: TemplateVars): AppError {
  const known = [...templateVariables, ...Object.keys(vars).filter((key) => !isTemplateVariable(key))];
  return new AppError('bad_input', `{{${name}}} is not a template variable; use one of ${known.join(', ')}`);
}

// Spaces inside the braces are tolerated so `{{ version }}` means the same as `{{version}}`.
const placeholder = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function isTemplateVariable(name: string): name is TemplateVariable {
  return (templateVariables as readonly string[]).includes(name);
}

/** The distinct variable names referenced in `text`, in order of first use. */
export function findVariables(text: string): string[] {
  const names = Array.from(text.matchAll(placeholder), (match) => match[1] ?? '');
  return [...new Set(names)];
}

/**
 * Variable names (built in, or the plan's own `planNames`) written with single braces, as the
 * runbook's `--stage={environment}` is: they would otherwise reach the command as literal text.
 */
export function findSingleBraced(text: string, planNames: readonly string[] = []): string[] {
  const rest = text.replace(placeholder, '');
  const names = Array.from(rest.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g), (match) => match[1] ?? '');
  return [...new Set(names.filter((name) => isTemplateVariable(name) || planNames.includes(name)))];
}

/**
 * Replaces `{{name}}` in each argument. One element stays one element: values are never split
 * or handed to a shell, so `v4.0.0; rm -rf /` arrives as a single harmless argument. Values are
 * not re-scanned, so a value containing `{{...}}` is kept literally.
 */
export function substitute(args: readonly string[], vars: TemplateVars): string[] {
  return args.map((arg) =>
    arg.replace(placeholder, (_match, name: string) => {
      if (!isKnown(name, vars)) throw unknownVariable(name, vars);
      const value = vars[name];
      // An empty value is refused too: `--rollback-to=` with nothing after it changes the command's meaning.
      if (value === undefined || value === '') {
        throw new AppError('bad_input', `{{${name}}} has no value, so '${arg}' cannot be run`);
      }
      return value;
    }),
  );
}

/**
 * Replaces `{{name}}` in free text such as the notification template, whose names go beyond the
 * command whitelist. A referenced name without a value throws rather than printing a blank.
 */
export function substituteText(text: string, vars: Readonly<Record<string, string | undefined>>): string {
  return text.replace(placeholder, (_match, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined)
      throw new AppError('bad_input', `{{${name}}} has no value in the text being filled in`);
    return value;
  });
}

/**
 * Fills in a plain `env:` value of the plan. Unlike a command argument, a variable without a value
 * (`{{previousVersion}}` on a first deployment) becomes empty: an empty environment variable is
 * what a script expects for "not known", and it does not change the meaning of a command line.
 */
export function substituteEnvValue(text: string, vars: TemplateVars): string {
  return text.replace(placeholder, (_match, name: string) => {
    if (!isKnown(name, vars)) throw unknownVariable(name, vars);
    return vars[name] ?? '';
  });
}
