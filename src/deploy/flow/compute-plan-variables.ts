// The plan's own variables (`variables:` in the plan), computed once when a deployment starts and
// stored with it, so every later command (a retry, a rollback after a restart) sees the same value.
import { resolve } from 'node:path';
import { resolveGitSha, usesGitSha } from '../../infra/run/git-sha.js';
import { createRedactor } from '../../infra/run/redact.js';
import { runCommand } from '../../infra/run/run-command.js';
import { maxVariableLength, planVariableNames } from '../../plan/plan-variables.js';
import { substitute, type TemplateVars } from '../../plan/variables.js';
import type { DeployDeps } from '../../ports.js';
import { planCommandEnv } from './execute-step.js';

export type ComputedVariables = { values: Record<string, string> } | { problem: string };

/**
 * Runs each variable's command in the workspace, in plan order, like every plan command: no shell,
 * its own process group, killed at its timeout, with the plan's and the environment's `env` and
 * `secrets`. The value is the last line it prints, trimmed. A command that fails, prints nothing,
 * prints more than `maxVariableLength` characters or prints a secret is a problem: the start is
 * refused, naming the variable, before anything changes.
 */
export async function computePlanVariables(
  deps: Pick<DeployDeps, 'plan' | 'settings' | 'shutdown'>,
  input: { version: string; environment: string; previousVersion: string | null },
): Promise<ComputedVariables> {
  const { plan, settings } = deps;
  const specs = Object.entries(plan.variables ?? {});
  if (specs.length === 0) return { values: {} };
  const gitSha = usesGitSha(plan.variables ?? {})
    ? await resolveGitSha(settings.workspaceDir, input.version, settings.stepEnv)
    : undefined;
  const vars: TemplateVars = {
    version: input.version,
    environment: input.environment,
    workspaceDir: settings.workspaceDir,
    appLogFile: settings.appLogFile,
    ...(input.previousVersion ? { previousVersion: input.previousVersion } : {}),
    ...(settings.healthcheckUrl ? { healthcheckUrl: settings.healthcheckUrl } : {}),
    ...(gitSha ? { gitSha } : {}),
    // Known, with no value yet: an `env` value naming one of them is empty for these commands.
    ...Object.fromEntries(planVariableNames(plan).map((name) => [name, undefined])),
  };
  const env = planCommandEnv(plan, settings, vars).env;
  const redact = createRedactor([...settings.secrets, ...Object.values(settings.secretEnv ?? {})]);
  const values: Record<string, string> = {};
  for (const [name, spec] of specs) {
    const fix = `make variables.${name}.command print the value on its last line and exit 0 (try it in WORKSPACE_DIR)`;
    let command: string[];
    try {
      command = substitute(spec.command, vars);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { problem: `the plan variable {{${name}}} cannot be computed: ${reason} — fix: ${fix}` };
    }
    const outcome = await runCommand({
      command,
      cwd: resolve(settings.workspaceDir, spec.cwd ?? '.'),
      timeoutMs: spec.timeout,
      redact,
      baseEnv: env,
      signal: deps.shutdown,
    });
    const value = outcome.outputTail.trim().split('\n').pop()?.trim() ?? '';
    const ran = `\`${command.join(' ')}\``;
    if (outcome.status !== 'succeeded')
      return {
        problem: `the plan variable {{${name}}} could not be computed: ${ran} ${outcome.summary}${value ? ` (last line: '${value.slice(0, 120)}')` : ''} — fix: ${fix}`,
      };
    if (value === '')
      return { problem: `the plan variable {{${name}}} is empty: ${ran} printed nothing — fix: ${fix}` };
    if (value.length > maxVariableLength)
      return {
        problem: `the plan variable {{${name}}} is too long: ${ran} printed ${value.length} characters on its last line, more than ${maxVariableLength} — fix: print only the value`,
      };
    // A variable is not secret: it is shown in command lines and messages.
    if (value.includes('[redacted]'))
      return {
        problem: `the plan variable {{${name}}} would hold a secret: ${ran} printed something redacted — fix: pass secrets with secrets:, never through a variable`,
      };
    values[name] = value;
  }
  return { values };
}
