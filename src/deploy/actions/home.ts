import { homeView } from '../../announce/blocks/home-view.js';
import { listActiveDeployments } from '../../infra/db/deployments.js';
import { listOpenPrompts } from '../../infra/db/prompts.js';
import { rolesOf } from '../../infra/db/roles.js';
import type { DeployDeps } from '../../ports.js';
import { roleName } from '../authorize.js';

const decisionNames: Record<string, string> = {
  go_no_go: 'go/no-go decision',
  promotion: 'promotion approval',
  step_failed: 'a failed step: retry, abort or roll back',
  step_interrupted: 'an interrupted step: retry, mark done or roll back',
  held: 'resume or roll back',
  declare_complete: 'declare complete (Project Lead)',
  restore_database: 'confirm or skip the database restore',
  rollback_failed: 'retry the rollback',
  alert: 'a monitoring alert',
  check_in: 'the latest check-in',
  issue: 'an open issue',
};

/** The App Home tab for one user, built from Postgres. */
export async function buildHome(deps: DeployDeps, userId: string) {
  const active = await listActiveDeployments(deps.db);
  const deployments = await Promise.all(
    active.map(async (deployment) => {
      const open = await listOpenPrompts(deps.db, deployment.id);
      const next = open.map((prompt) => decisionNames[prompt.kind] ?? prompt.kind);
      return {
        deployment,
        stageName: deployment.stageIndex === null ? undefined : deps.plan.stages[deployment.stageIndex]?.name,
        nextDecision: next.length > 0 ? [...new Set(next)].join('; ') : 'nothing waits for a person',
      };
    }),
  );
  const roleNames = (await rolesOf(deps.db, userId)).map((role) => roleName(deps.plan, role));
  return homeView({
    deployments,
    roleNames,
    timeZone: deps.plan.timezone,
    now: deps.clock(),
    traffic: deps.plan.traffic.mode,
  });
}
