import { resolve } from 'node:path';
import type { Deployment } from '../../infra/db/deployments.js';
import { backupDatabase, restoreDatabase } from '../../infra/run/backup-database.js';
import { checkArtifacts } from '../../infra/run/check-artifacts.js';
import { httpCheck } from '../../infra/run/http-check.js';
import { createRedactor } from '../../infra/run/redact.js';
import { runCommand, type StepOutcome } from '../../infra/run/run-command.js';
import { scanLog } from '../../infra/run/scan-log.js';
import type { Plan } from '../../plan/schema.js';
import { substitute, substituteText, type TemplateVars } from '../../plan/variables.js';
import type { DeploySettings } from '../../ports.js';
import type { ExecutableStep } from './resolve-step.js';

export interface ExecutedStep extends StepOutcome {
  backupFile?: string | undefined;
  schemaChanged?: boolean | undefined;
}

export function templateVars(
  plan: Plan,
  settings: DeploySettings,
  deployment: Deployment,
  percent?: number,
): TemplateVars {
  return {
    version: deployment.version,
    environment: deployment.environment,
    percent: String(percent ?? plan.stages[0]?.percent ?? 0),
    deploymentId: String(deployment.id),
    workspaceDir: settings.workspaceDir,
    appLogFile: settings.appLogFile,
    ...(deployment.previousVersion ? { previousVersion: deployment.previousVersion } : {}),
    ...(deployment.backupFile ? { backupFile: deployment.backupFile } : {}),
    ...(settings.healthcheckUrl ? { healthcheckUrl: settings.healthcheckUrl } : {}),
  };
}

const defaultSchemaChangedPattern = /schema changed:\s*yes/i;

/** Runs one plan step in the workspace. Never a shell: commands are argument arrays. */
export async function executeStep(input: {
  step: ExecutableStep;
  plan: Plan;
  settings: DeploySettings;
  deployment: Deployment;
  signal?: AbortSignal | undefined;
}): Promise<ExecutedStep> {
  const { step, settings, deployment } = input;
  const vars = templateVars(input.plan, settings, deployment, step.percent);
  const redact = createRedactor(settings.secrets);
  const timeoutMs = step.timeout;
  const run = step.run;
  const started = Date.now();
  const missing = (what: string, fix: string): ExecutedStep => ({
    status: 'failed',
    outputTail: '',
    durationMs: Date.now() - started,
    summary: `${what} is not set: ${fix}`,
  });
  switch (run.kind) {
    case 'command': {
      const outcome = await runCommand({
        command: substitute(run.command, vars),
        cwd: resolve(settings.workspaceDir, run.cwd ?? '.'),
        timeoutMs,
        signal: input.signal,
        redact,
        baseEnv: settings.stepEnv,
      });
      if (run.records !== 'schema_changed') return outcome;
      const pattern = run.schemaChangedPattern
        ? new RegExp(run.schemaChangedPattern, 'im')
        : defaultSchemaChangedPattern;
      return {
        ...outcome,
        schemaChanged: outcome.status === 'succeeded' && pattern.test(outcome.outputTail),
      };
    }
    case 'backup_database': {
      if (!settings.appDatabaseUrl)
        return missing('APP_DATABASE_URL', 'set it to the application database to back up');
      return backupDatabase({
        databaseUrl: settings.appDatabaseUrl,
        directory: settings.backupDir,
        format: run.format,
        label: `${deployment.environment}-${deployment.version}-d${deployment.id}`,
        timeoutMs,
        signal: input.signal,
        redact,
      });
    }
    case 'check_artifacts':
      return checkArtifacts(resolve(settings.workspaceDir, substituteText(run.path, vars)));
    case 'http_check': {
      if (run.url.includes('{{healthcheckUrl}}') && !settings.healthcheckUrl) {
        return missing('HEALTHCHECK_URL', 'set it to the application health check URL');
      }
      return httpCheck({
        url: substituteText(run.url, vars),
        expectStatus: run.expectStatus,
        expectBodyContains: run.expectBodyContains,
        timeoutMs,
        signal: input.signal,
      });
    }
    case 'restore_database': {
      if (!settings.appDatabaseUrl)
        return missing('APP_DATABASE_URL', 'set it to the application database to restore');
      if (!deployment.backupFile) {
        return {
          status: 'failed',
          outputTail: '',
          durationMs: 0,
          summary: 'no pre-deployment backup was recorded for this deployment',
        };
      }
      return restoreDatabase({
        databaseUrl: settings.appDatabaseUrl,
        backupFile: deployment.backupFile,
        timeoutMs,
        signal: input.signal,
        redact,
      });
    }
    case 'scan_log':
      return scanLog({
        file: resolve(settings.workspaceDir, substituteText(run.file, vars)),
        since: deployment.createdAt,
        patterns: run.patterns,
      });
  }
}

/** A step whose command shifts traffic sets the deployment's percentage when it succeeds. */
export function shiftsTraffic(step: ExecutableStep): boolean {
  return step.run.kind === 'command' && step.run.command.some((arg) => arg.includes('{{percent}}'));
}
