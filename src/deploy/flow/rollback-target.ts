// The way back, confirmed before a deployment changes anything: the version a rollback returns to
// and, where the plan restores databases, what a restore needs.
import { resolve } from 'node:path';
import { findLastCompletedVersion } from '../../infra/db/deployments.js';
import { createRedactor } from '../../infra/run/redact.js';
import { runCommand } from '../../infra/run/run-command.js';
import { isOnPath } from '../../plan/check-workspace.js';
import { substitute, type TemplateVars } from '../../plan/variables.js';
import type { DeployDeps } from '../../ports.js';
import { planCommandEnv } from './execute-step.js';

export interface RollbackTarget {
  /** The version a rollback reverts to; null when it could not be told. */
  previousVersion: string | null;
  /** Where it came from: the last completed deployment of the environment, or the plan's command. */
  source: 'completed_deployment' | 'current_version_command' | null;
  /** What stands in the way back, one `what — fix: how` line each; empty when the way back is sure. */
  problems: string[];
}

/**
 * The rollback target of a deployment of `version` to `environment`: the last completed
 * deployment's version, else what the plan's `rollback.currentVersion` command prints (its last
 * line, matching `versionPattern`). Where the plan restores databases, `APP_DATABASE_URL` must be
 * set and `pg_dump` on PATH.
 */
export async function findRollbackTarget(
  deps: DeployDeps,
  environment: string,
  version: string,
): Promise<RollbackTarget> {
  const { plan, settings } = deps;
  const problems: string[] = [];
  let previousVersion: string | null = (await findLastCompletedVersion(deps.db, environment)) ?? null;
  let source: RollbackTarget['source'] = previousVersion ? 'completed_deployment' : null;
  if (!previousVersion) {
    const discovered = await askCurrentVersion(deps, environment, version);
    if ('version' in discovered) {
      previousVersion = discovered.version;
      source = 'current_version_command';
    } else {
      problems.push(discovered.problem);
    }
  }
  if (plan.rollback.restoreDatabase.when !== 'never') {
    const restore = `the plan restores the database on rollback (restoreDatabase.when: ${plan.rollback.restoreDatabase.when})`;
    if (!settings.appDatabaseUrl) {
      problems.push(
        `${restore} but APP_DATABASE_URL is not set — fix: set APP_DATABASE_URL to the application database, or set restoreDatabase.when: never`,
      );
    }
    if (!isOnPath('pg_dump', searchPath(deps))) {
      problems.push(
        `${restore} but pg_dump is not on PATH — fix: install the PostgreSQL client tools on this host`,
      );
    }
  }
  return { previousVersion, source, problems };
}

function searchPath(deps: DeployDeps): string {
  return deps.settings.stepEnv.PATH ?? process.env.PATH ?? '';
}

async function askCurrentVersion(
  deps: DeployDeps,
  environment: string,
  version: string,
): Promise<{ version: string } | { problem: string }> {
  const { plan, settings } = deps;
  const spec = plan.rollback.currentVersion;
  if (!spec) {
    return {
      problem: `no earlier deployment of ${environment} completed and the plan has no rollback.currentVersion command, so a rollback would not know which version to return to — fix: add rollback.currentVersion to the plan (a command printing the running version)`,
    };
  }
  const firstShare = plan.traffic.mode === 'none' ? undefined : plan.stages[0]?.percent;
  const vars: TemplateVars = {
    version,
    environment,
    ...(firstShare === undefined ? {} : { percent: String(firstShare) }),
    workspaceDir: settings.workspaceDir,
    appLogFile: settings.appLogFile,
    ...(settings.healthcheckUrl ? { healthcheckUrl: settings.healthcheckUrl } : {}),
  };
  let command: string[];
  try {
    command = substitute(spec.command, vars);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      problem: `rollback.currentVersion cannot run before the deployment exists (${reason}) — fix: use only {{environment}}, {{version}} or {{workspaceDir}} in it`,
    };
  }
  const outcome = await runCommand({
    command,
    cwd: resolve(settings.workspaceDir, spec.cwd ?? '.'),
    timeoutMs: spec.timeout,
    redact: createRedactor(settings.secrets),
    // The plan's and the environment's env/secrets, as for its steps (README "What a step gets").
    baseEnv: planCommandEnv(plan, settings, vars).env,
  });
  const reported = outcome.outputTail.trim().split('\n').pop()?.trim() ?? '';
  const shown = `\`${command.join(' ')}\``;
  if (outcome.status !== 'succeeded') {
    deps.log.warn({ summary: outcome.summary, environment }, 'could not tell the running version');
    return {
      problem: `could not tell the running version of ${environment}: ${shown} ${outcome.summary} — fix: make rollback.currentVersion print the running version`,
    };
  }
  if (!new RegExp(plan.versionPattern).test(reported)) {
    return {
      problem: `could not tell the running version of ${environment}: ${shown} printed '${reported.slice(0, 60)}', which is not a version — fix: make its last line the running version, matching versionPattern`,
    };
  }
  return { version: reported };
}
