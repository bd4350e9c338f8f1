import type { Deployment } from '../../infra/db/deployments.js';
import { createRedactor } from '../../infra/run/redact.js';
import type { Plan } from '../../plan/schema.js';
import type { TemplateVars } from '../../plan/variables.js';
import type { DeploySettings } from '../../ports.js';
import { findStepKind } from '../../steps/index.js';
import type { ExecutedStep } from '../../steps/step-kind.js';
import type { ExecutableStep } from './resolve-step.js';

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

/** Runs one step in the workspace, the way its kind (src/steps/) says. Never a shell: commands are argument arrays. */
export async function executeStep(input: {
  step: ExecutableStep;
  plan: Plan;
  settings: DeploySettings;
  deployment: Deployment;
  signal?: AbortSignal | undefined;
  onProcessGroup?: ((processGroup: number) => void) | undefined;
}): Promise<ExecutedStep> {
  const { step, settings, deployment } = input;
  return findStepKind(step.run).execute(step.run, {
    vars: templateVars(input.plan, settings, deployment, step.percent),
    settings,
    deployment,
    timeoutMs: step.timeout,
    signal: input.signal,
    redact: createRedactor(settings.secrets),
    startedAt: Date.now(),
    onProcessGroup: input.onProcessGroup,
  });
}

/** A step whose command shifts traffic sets the deployment's percentage when it succeeds. */
export function shiftsTraffic(step: ExecutableStep): boolean {
  return step.run.kind === 'command' && step.run.command.some((arg) => arg.includes('{{percent}}'));
}
