import type { Deployment } from '../../infra/db/deployments.js';
import { resolveGitSha } from '../../infra/run/git-sha.js';
import { createRedactor } from '../../infra/run/redact.js';
import { commandEnvironment, missingSecretsSummary } from '../../infra/run/step-environment.js';
import { planVariableNames } from '../../plan/plan-variables.js';
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
  /** The commit being deployed, when the workspace resolved it (commandVars does). */
  gitSha?: string,
): TemplateVars {
  // Under `traffic: none` no stage has a share of traffic: `{{percent}}` has no value.
  const share = plan.traffic.mode === 'none' ? undefined : (percent ?? plan.stages[0]?.percent);
  return {
    version: deployment.version,
    environment: deployment.environment,
    ...(share === undefined ? {} : { percent: String(share) }),
    deploymentId: String(deployment.id),
    workspaceDir: settings.workspaceDir,
    appLogFile: settings.appLogFile,
    ...(deployment.previousVersion ? { previousVersion: deployment.previousVersion } : {}),
    ...(deployment.backupFile ? { backupFile: deployment.backupFile } : {}),
    ...(settings.healthcheckUrl ? { healthcheckUrl: settings.healthcheckUrl } : {}),
    ...(gitSha ? { gitSha } : {}),
    ...planVariableValues(plan, deployment),
  };
}

/**
 * The plan's own variables as computed at start. Each is present, with no value when the
 * deployment has none (one started before the plan declared it): `{{name}}` then refuses its
 * command as "has no value" rather than calling the plan's own variable unknown.
 */
export function planVariableValues(
  plan: Plan,
  deployment: Pick<Deployment, 'variables'>,
): Record<string, string | undefined> {
  return Object.fromEntries(
    planVariableNames(plan).map((name) => [
      name,
      Object.hasOwn(deployment.variables, name) ? deployment.variables[name] : undefined,
    ]),
  );
}

/** templateVars with `{{gitSha}}` resolved in the workspace now (README "What a step gets"). */
export async function commandVars(
  plan: Plan,
  settings: DeploySettings,
  deployment: Deployment,
  percent?: number,
): Promise<TemplateVars> {
  const gitSha = await resolveGitSha(settings.workspaceDir, deployment.version, settings.stepEnv);
  return templateVars(plan, settings, deployment, percent, gitSha);
}

/**
 * The whole environment of a command the plan names outside its steps (the running version's
 * command, integration checks): the plan's and the environment's `env`/`secrets`, and STAGECOACH_*.
 * A secret that is not set is left out; `missing` names it.
 */
export function planCommandEnv(plan: Plan, settings: DeploySettings, vars: TemplateVars) {
  return commandEnvironment({ base: settings.stepEnv, secretEnv: settings.secretEnv ?? {}, plan, vars });
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
  const { step, plan, settings, deployment } = input;
  const startedAt = Date.now();
  const vars = await commandVars(plan, settings, deployment, step.percent);
  // A plan step's own env/secrets; a derived step (a traffic shift, the revert) has the plan's and the environment's.
  const planStep = plan.steps.find((candidate) => candidate.id === step.id);
  const { env, missing } = commandEnvironment({
    base: settings.stepEnv,
    secretEnv: settings.secretEnv ?? {},
    plan,
    vars,
    step: planStep,
    run: { id: step.id, trafficPercent: shiftsTraffic(plan, step) ? step.percent : undefined },
  });
  // Refused before it starts: a deploy script without its credentials fails halfway, not cleanly.
  if (missing.length > 0 && step.run.kind === 'command') {
    return {
      status: 'failed',
      outputTail: '',
      durationMs: Date.now() - startedAt,
      summary: missingSecretsSummary(missing),
    };
  }
  return findStepKind(step.run).execute(step.run, {
    vars,
    env,
    settings,
    deployment,
    timeoutMs: step.timeout,
    signal: input.signal,
    // settings.secrets holds the plan's secret values already; added again for settings built by hand.
    redact: createRedactor([...settings.secrets, ...Object.values(settings.secretEnv ?? {})]),
    startedAt,
    onProcessGroup: input.onProcessGroup,
  });
}

/**
 * A step that runs the plan's traffic command (stage 1's plan step, or a derived shift) sets the
 * deployment's percentage when it succeeds; nothing else does, and nothing under `traffic: none`.
 */
export function shiftsTraffic(plan: Plan, step: ExecutableStep): boolean {
  if (plan.traffic.mode !== 'command') return false;
  return step.phase === 'rollout' || step.id === plan.traffic.firstStageStep;
}
