import { mention } from '../../announce/format.js';
import { ensureRoot } from '../../announce/root.js';
import { noteInThread } from '../../announce/thread.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import {
  type Deployment,
  findActiveDeployment,
  findLastCompletedVersion,
  insertDeployment,
} from '../../infra/db/deployments.js';
import { getEnvironmentLock } from '../../infra/db/environment-locks.js';
import { inTransaction } from '../../infra/db/pool.js';
import { insertStepRun, type StepRun } from '../../infra/db/step-runs.js';
import { unsetSecrets } from '../../infra/run/unset-secrets.js';
import { checkWorkspace, describeWorkspaceProblem } from '../../plan/check-workspace.js';
import type { DeployDeps } from '../../ports.js';
import { trackStart } from '../../schedule/track.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { authorize } from '../authorize.js';
import { computePlanVariables } from '../flow/compute-plan-variables.js';
import { scheduleGoNoGo } from '../flow/go-no-go.js';
import { onDeploymentStarted } from '../flow/milestones.js';
import { findRollbackTarget, type RollbackTarget } from '../flow/rollback-target.js';
import { scheduleTimer } from '../flow/timers.js';
import { validateVersion } from '../model/validate-version.js';

export interface StartInput {
  version: string;
  environment?: string | undefined;
  userId: string;
  dryRun: boolean;
  /** Deploy the version already running again (`--redeploy`). */
  redeploy?: boolean | undefined;
  /** Start although the rollback target is not confirmed (`--without-rollback-target`): audited and flagged. */
  withoutRollbackTarget?: boolean | undefined;
}

/**
 * `/deploy start`: checks, records the deployment with its planned steps, announces it, enqueues step 1.
 * Before anything changes (a dry run too) the programs and paths the plan names are checked again,
 * and the secrets its commands get for this environment must be set in Stagecoach's environment;
 * a real run also confirms the way back (flow/rollback-target.ts) and refuses to redeploy the
 * running version unless asked to. Then the plan's own variables are computed
 * (flow/compute-plan-variables.ts; a dry run's too, as its listed commands show them) and stored
 * with the deployment.
 */
export async function startDeployment(
  deps: DeployDeps,
  input: StartInput,
): Promise<Deployment & { queued: boolean }> {
  const { plan } = deps;
  validateVersion(plan, input.version);
  const environment = input.environment ?? plan.defaultEnvironment;
  if (!plan.environments.includes(environment)) {
    throw new AppError(
      'bad_input',
      `\`${environment}\` is not an environment of this plan. Use one of: ${plan.environments.join(', ')}.`,
    );
  }
  await authorize(deps, 'start', input.userId);
  const lock = await getEnvironmentLock(deps.db, environment);
  if (lock) {
    throw new AppError(
      'locked',
      `${environment} is locked by ${mention(lock.lockedBy)}: ${lock.reason}. Unlock it with \`/deploy unlock ${environment}\` once it is safe.`,
    );
  }
  // Before any command of the plan runs (the rollback target's included).
  const active = await findActiveDeployment(deps.db, environment);
  if (active) throw await alreadyActive(deps, environment);
  const missing = [
    ...checkWorkspace(plan, {
      workspaceDir: deps.settings.workspaceDir,
      path: deps.settings.stepEnv.PATH ?? process.env.PATH,
    }),
    ...unsetSecrets(plan, environment, deps.settings.secretEnv ?? {}),
  ];
  if (missing.length > 0) {
    throw new AppError(
      'invalid_plan',
      [
        `Not started: the plan names what this host does not have (nothing was changed).`,
        ...missing.map((problem) => `• ${describeWorkspaceProblem(problem)}`),
      ].join('\n'),
    );
  }
  const target: RollbackTarget = input.dryRun
    ? {
        previousVersion: (await findLastCompletedVersion(deps.db, environment)) ?? null,
        source: 'completed_deployment',
        problems: [],
      }
    : await findRollbackTarget(deps, environment, input.version);
  if (target.problems.length > 0 && !input.withoutRollbackTarget) {
    throw new AppError(
      'conflict',
      [
        `Not started: no way back is confirmed for ${environment} (nothing was changed).`,
        ...target.problems.map((problem) => `• ${problem}`),
        `To start anyway, knowing a rollback may not work: \`/deploy start ${input.version}${input.environment ? ` to ${environment}` : ''} --without-rollback-target\` (audited).`,
      ].join('\n'),
    );
  }
  const previousVersion = target.previousVersion;
  if (previousVersion === input.version && !input.redeploy) {
    const where =
      target.source === 'current_version_command'
        ? 'the rollback.currentVersion command reports it running'
        : 'it is the last completed deployment';
    throw new AppError(
      'conflict',
      `Not started: ${environment} already runs ${input.version} (${where}). To deploy it again on purpose: \`/deploy start ${input.version}${input.environment ? ` to ${environment}` : ''} --redeploy\`.`,
    );
  }
  // Last before anything is recorded, once the start goes ahead: they run the plan's commands.
  const computed = await computePlanVariables(deps, { version: input.version, environment, previousVersion });
  if ('problem' in computed) {
    throw new AppError(
      'invalid_plan',
      [
        `Not started: a plan variable could not be computed (nothing was changed).`,
        `• ${computed.problem}`,
      ].join('\n'),
    );
  }
  const variables = computed.values;
  const withoutTarget = target.problems.length > 0;
  const later = afterCommit();
  const { deployment, firstStep } = await inTransaction(deps.db, async (client) => {
    let created: Deployment;
    try {
      created = await insertDeployment(client, {
        environment,
        version: input.version,
        previousVersion,
        startedBy: input.userId,
        channelId: deps.settings.channels.deployment,
        dryRun: input.dryRun,
        planName: plan.name,
        variables,
      });
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw await alreadyActive(deps, environment);
      throw error;
    }
    const runs: StepRun[] = [];
    for (const [index, step] of plan.steps.entries()) {
      runs.push(
        await insertStepRun(client, {
          deploymentId: created.id,
          stepId: step.id,
          stepName: step.name,
          phase: step.phase,
          position: index + 1,
          attempt: 1,
        }),
      );
    }
    await trackStart(client, created);
    await scheduleGoNoGo(client, deps, created, later);
    await onDeploymentStarted(client, deps, later, created);
    // The post-deployment review (section 8, T+1w), whatever the outcome by then.
    later.arm.push(
      await scheduleTimer(client, deps, {
        deploymentId: created.id,
        kind: 'report',
        key: `report-${created.id}`,
        afterMs: 7 * 24 * 3600_000,
        from: created.createdAt,
      }),
    );
    await writeAudit(client, {
      deploymentId: created.id,
      actor: input.userId,
      action: 'start',
      toState: created.state,
      detail: {
        version: input.version,
        environment,
        dryRun: input.dryRun,
        previousVersion,
        ...(Object.keys(variables).length > 0 ? { variables } : {}),
        ...(input.redeploy ? { redeploy: true } : {}),
        ...(withoutTarget ? { withoutRollbackTarget: true, rollbackProblems: target.problems } : {}),
      },
    });
    if (withoutTarget) {
      const text = [
        `:warning: Started by ${mention(input.userId)} with \`--without-rollback-target\`: the way back is not confirmed.`,
        ...target.problems.map((problem) => `• ${problem}`),
      ].join('\n');
      await noteInThread(client, later, created.id, {
        text,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
      });
    }
    return { deployment: created, firstStep: runs[0] as StepRun };
  });
  deps.log.info(
    { deploymentId: deployment.id, version: deployment.version, environment },
    'deployment started',
  );
  try {
    await ensureRoot(deps, deployment.id);
  } catch (error) {
    // The worker posts the root before the first step if Slack was briefly unavailable here.
    deps.log.warn({ err: error, deploymentId: deployment.id }, 'could not post the root message yet');
  }
  later.enqueue.push(firstStep);
  const queued = await runAfterCommit(deps, later);
  return { ...deployment, queued };
}

async function alreadyActive(deps: DeployDeps, environment: string): Promise<AppError> {
  const active = await findActiveDeployment(deps.db, environment);
  const what = active
    ? `deployment #${active.id} (${active.version}, started by ${mention(active.startedBy)})`
    : 'another deployment';
  return new AppError(
    'already_active',
    `${environment} already has an active deployment: ${what}. Finish, abort or roll it back first; see \`/deploy status\`.`,
  );
}
