import { access, constants, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pgToolEnv } from '../infra/run/pg-env.js';
import { createRedactor } from '../infra/run/redact.js';
import { runCommand } from '../infra/run/run-command.js';
import { commandEnvironment } from '../infra/run/step-environment.js';
import { substitute } from '../plan/variables.js';
import type { DeployDeps } from '../ports.js';

export interface ResourceCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * T-1d "Prepare rollback resources": can we tell the version to return to, write a backup, and
 * reach the database to restore? Each answer is shown; none is assumed.
 */
export async function checkRollbackResources(
  deps: DeployDeps,
  environment: string,
): Promise<ResourceCheck[]> {
  const checks: ResourceCheck[] = [];
  const redact = createRedactor(deps.settings.secrets);
  const spec = deps.plan.rollback.currentVersion;
  if (spec) {
    const vars = { environment, workspaceDir: deps.settings.workspaceDir };
    const outcome = await runCommand({
      command: substitute(spec.command, vars),
      cwd: resolve(deps.settings.workspaceDir, spec.cwd ?? '.'),
      timeoutMs: spec.timeout,
      redact,
      // The plan's and the environment's env/secrets, as its steps get them (README "What a step gets").
      baseEnv: commandEnvironment({
        base: deps.settings.stepEnv,
        secretEnv: deps.settings.secretEnv ?? {},
        plan: deps.plan,
        vars,
      }).env,
    });
    const version = outcome.outputTail.trim().split('\n').pop()?.trim() ?? '';
    const ok = outcome.status === 'succeeded' && new RegExp(deps.plan.versionPattern).test(version);
    checks.push({
      name: 'Version to roll back to',
      ok,
      detail: ok ? `${version} is running now` : outcome.summary,
    });
  }
  try {
    await mkdir(deps.settings.backupDir, { recursive: true });
    await access(deps.settings.backupDir, constants.W_OK);
    checks.push({ name: 'Backup directory', ok: true, detail: `${deps.settings.backupDir} is writable` });
  } catch (error) {
    checks.push({
      name: 'Backup directory',
      ok: false,
      detail: `${deps.settings.backupDir}: ${(error as Error).message}`,
    });
  }
  if (deps.settings.appDatabaseUrl) {
    const outcome = await runCommand({
      command: ['pg_dump', '--schema-only', '--no-password', '--file=/dev/null'],
      cwd: deps.settings.workspaceDir,
      timeoutMs: 60_000,
      // Only what pg_dump needs: the bot's Slack token and other secrets stay out of its environment.
      baseEnv: pgToolEnv(deps.settings.appDatabaseUrl),
      redact,
    });
    checks.push({
      name: 'Application database',
      ok: outcome.status === 'succeeded',
      detail: outcome.status === 'succeeded' ? 'reachable; pg_dump works' : outcome.summary,
    });
  } else {
    checks.push({
      name: 'Application database',
      ok: false,
      detail: 'APP_DATABASE_URL is not set: no backup can be taken or restored',
    });
  }
  return checks;
}
