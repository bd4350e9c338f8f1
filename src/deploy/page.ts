import type pg from 'pg';
import { getDeployment } from '../db/deployments.js';
import { listAssignments } from '../db/roles.js';
import { pageMessage } from '../slack/blocks/rollout-messages.js';
import type { AfterCommit } from './after-commit.js';
import { roleName } from './authorize.js';
import type { DeployDeps } from './deps.js';

/** Pages the holders of some roles: a top-level @-mention in the deployment channel, where it is seen. */
export async function pageRoles(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  roles: string[],
  text: string,
  later: AfterCommit,
) {
  const assignments = await listAssignments(client);
  const users = [...new Set(roles.flatMap((role) => assignments.get(role) ?? []))];
  const names = roles.map((role) => roleName(deps.plan, role)).join(', ');
  const deployment = await getDeployment(client, deploymentId);
  const channel = deployment?.channelId ?? deps.settings.channels.deployment;
  later.followUps.push(() => deps.messenger.post(channel, pageMessage(users, names, text)));
}
