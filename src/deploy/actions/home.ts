import { answeringRoles, withoutAnswerers } from '../../announce/answerers.js';
import { type HomeItem, homeView } from '../../announce/blocks/home-view.js';
import { listActiveDeployments } from '../../infra/db/deployments.js';
import { listOpenPrompts } from '../../infra/db/prompts.js';
import { rolesOf } from '../../infra/db/roles.js';
import type { DeployDeps } from '../../ports.js';
import { roleName } from '../authorize.js';
import { optionalPromptKinds } from '../model/prompt-kinds.js';

const decisionNames: Record<string, string> = {
  go_no_go: 'go/no-go decision',
  promotion: 'promotion approval',
  step_failed: 'a failed step: retry, abort or roll back',
  step_interrupted: 'an interrupted step: retry, mark done or roll back',
  held: 'resume or roll back',
  declare_complete: 'declare complete',
  restore_database: 'confirm or skip the database restore',
  rollback_failed: 'retry the rollback',
  alert: 'a monitoring alert',
  check_in: 'the latest check-in',
  issue: 'an open issue',
};

/** The App Home tab for one user, built from Postgres: what needs them first, with its buttons. */
export async function buildHome(deps: DeployDeps, userId: string) {
  const active = await listActiveDeployments(deps.db);
  const held = await rolesOf(deps.db, userId);
  const needsYou: HomeItem[] = [];
  for (const deployment of active) {
    for (const prompt of await listOpenPrompts(deps.db, deployment.id)) {
      const roles = answeringRoles(deps.plan, prompt.kind, prompt.payload);
      const message = prompt.payload.message;
      if (!message || !roles.some((role) => held.includes(role))) continue;
      needsYou.push({
        deploymentId: deployment.id,
        version: deployment.version,
        message: withoutAnswerers(message),
      });
    }
  }
  const deployments = await Promise.all(
    active.map(async (deployment) => {
      const open = (await listOpenPrompts(deps.db, deployment.id)).filter(
        (prompt) => !optionalPromptKinds.includes(prompt.kind),
      );
      const next = open.map((prompt) => decisionNames[prompt.kind] ?? prompt.kind);
      return {
        deployment,
        stageName: deployment.stageIndex === null ? undefined : deps.plan.stages[deployment.stageIndex]?.name,
        nextDecision: next.length > 0 ? [...new Set(next)].join('; ') : 'nothing waits for a person',
      };
    }),
  );
  const roleNames = held.map((role) => roleName(deps.plan, role));
  return homeView({
    needsYou,
    deployments,
    roleNames,
    timeZone: deps.plan.timezone,
    now: deps.clock(),
    traffic: deps.plan.traffic.mode,
  });
}

/**
 * Re-publishes the App Home of everyone holding a role: a change that concerns them (a prompt
 * they answer appears or is decided) shows without reopening the tab. Teams are small; one
 * views.publish per person per coalesced change.
 */
export async function refreshHomes(deps: DeployDeps): Promise<void> {
  const people = await deps.db.query<{ userId: string }>(
    'SELECT DISTINCT user_id AS "userId" FROM role_assignments ORDER BY user_id',
  );
  for (const { userId } of people.rows) {
    try {
      await deps.messenger.publishHome(userId, await buildHome(deps, userId));
    } catch (error) {
      deps.log.warn({ err: error, user: userId }, 'could not refresh an App Home');
    }
  }
}
