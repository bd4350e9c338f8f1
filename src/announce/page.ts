import type pg from 'pg';
import { roleName } from '../deploy/authorize.js';
import type { AfterCommit } from '../deploy/intents.js';
import { getDeployment } from '../infra/db/deployments.js';
import { listAssignments } from '../infra/db/roles.js';
import type { DeployDeps } from '../ports.js';
import { pageMessage } from './blocks/rollout-messages.js';
import { postInChannel } from './thread.js';

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
  await postInChannel(client, later, deploymentId, channel, pageMessage(users, names, text));
}
