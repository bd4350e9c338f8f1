import type pg from 'pg';
import type { AfterCommit } from '../deploy/intents.js';
import type { Deployment } from '../infra/db/deployments.js';
import type { GitHubDeploymentEvent } from '../infra/notify/notification.js';
import type { DeployDeps } from '../ports.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';

type Status = Extract<GitHubDeploymentEvent, { action: 'status' }>;

const createKey = (deploymentId: number) => `github-${deploymentId}:create`;

/**
 * Records, in the caller's transaction, what GitHub should learn about a deployment: its creation
 * (the version as the ref, in its environment) with an in-progress status, then a status per
 * milestone. Only when GitHub is configured, never for a dry run; sent in order by the outbox.
 */
export async function tellGitHub(
  client: pg.PoolClient,
  deps: Pick<DeployDeps, 'notifiers' | 'log' | 'plan'>,
  later: AfterCommit,
  deployment: Deployment,
  milestone: { key: string; state: Status['state']; description: string; create?: boolean },
): Promise<void> {
  if (!deps.notifiers?.github || deployment.dryRun) return;
  const record = async (dedupeKey: string, github: GitHubDeploymentEvent) =>
    later.notify.push(
      await enqueueNotification(
        client,
        {
          deploymentId: deployment.id,
          dedupeKey,
          channel: 'github',
          target: {},
          message: { text: dedupeKey, github },
        },
        deps,
      ),
    );
  if (milestone.create) {
    await record(createKey(deployment.id), {
      action: 'create',
      ref: deployment.version,
      environment: deployment.environment,
      description: `Stagecoach deployment #${deployment.id}`,
      production: deployment.environment === deps.plan.defaultEnvironment,
      deploymentId: deployment.id,
    });
  }
  await record(`github-${deployment.id}:status:${milestone.key}`, {
    action: 'status',
    createKey: createKey(deployment.id),
    state: milestone.state,
    description: milestone.description,
  });
}
