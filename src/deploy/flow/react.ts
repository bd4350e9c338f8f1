import type pg from 'pg';
import { refreshDecidedAlertGroups } from '../../announce/refresh-alert-group.js';
import type { Deployment } from '../../infra/db/deployments.js';
import { lockEnvironment } from '../../infra/db/environment-locks.js';
import { closeOpenPrompts } from '../../infra/db/prompts.js';
import { cancelPendingStepRuns } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../intents.js';
import type { DeploymentState } from '../model/lifecycle.js';
import { type Reaction, reactionsOnEntering } from '../model/reactions.js';
import { startDocumentationChecklist } from './documentation-checklist.js';
import { onDeploymentEnded } from './milestones.js';
import { cancelDeploymentTimers, rolloutTimerKinds } from './timers.js';

interface Entered {
  client: pg.PoolClient;
  deps: DeployDeps;
  deployment: Deployment;
  actor: string;
  later: AfterCommit;
}

const endings = {
  completed: () => '',
  aborted: () => 'Nothing reached production.',
  rolled_back: (deployment: Deployment) => `Back on ${deployment.previousVersion ?? 'the previous version'}.`,
} as const;

const carryOut: Record<Reaction, (entered: Entered, state: DeploymentState) => Promise<void>> = {
  disarm_rollout_timers: async ({ client, deployment, later }) => {
    later.disarm.push(...(await cancelDeploymentTimers(client, deployment.id, rolloutTimerKinds)));
  },
  disarm_live_timers: async ({ client, deployment, later }) => {
    later.disarm.push(
      ...(await cancelDeploymentTimers(client, deployment.id, ['soak_end', 'go_no_go', 'check_in'])),
    );
  },
  close_open_prompts: async ({ client, deps, deployment, actor, later }) => {
    const closed = await closeOpenPrompts(client, deployment.id, 'Closed by the rollback', actor);
    const shown = await refreshDecidedAlertGroups(client, deps, later, closed);
    later.followUps.push({ kind: 'show_decided', prompts: shown });
  },
  cancel_pending_steps: async ({ client, deployment }) => {
    await cancelPendingStepRuns(client, deployment.id);
  },
  stop_monitoring: async ({ deployment, later }) => {
    later.followUps.push({ kind: 'stop_monitoring', deploymentId: deployment.id });
  },
  lock_environment: async ({ client, deps, deployment }) => {
    // A dry run changed nothing, even rolled back by hand: nothing to protect the environment from.
    if (!deps.plan.rollback.lockEnvironmentAfter || deployment.dryRun) return;
    const reason = `rolled back deployment #${deployment.id} (${deployment.version})`;
    await lockEnvironment(client, deployment.environment, reason, 'stagecoach');
  },
  announce_end: async ({ client, deps, deployment, later }, state) => {
    if (state !== 'completed' && state !== 'aborted' && state !== 'rolled_back') return;
    await onDeploymentEnded(client, deps, later, deployment, state, endings[state](deployment));
  },
  start_documentation_checklist: async ({ client, deps, deployment, later }) => {
    await startDocumentationChecklist(client, deps, deployment.id, later);
  },
  refresh_root: async ({ deployment, later }) => {
    later.followUps.push({ kind: 'refresh_root', deploymentId: deployment.id });
  },
};

/** Carries out the reactions declared for `state` (model/reactions.ts), in the entering transaction. */
export async function react(state: DeploymentState, entered: Entered): Promise<void> {
  for (const reaction of reactionsOnEntering[state] ?? []) await carryOut[reaction](entered, state);
}
