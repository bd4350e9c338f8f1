import { noDeploymentMessage, statusMessage } from '../../announce/blocks/status-message.js';
import { AppError } from '../../errors.js';
import { findLatestDeployment, getDeployment, listActiveDeployments } from '../../infra/db/deployments.js';
import { listLatestStepRuns } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';

/** The deployment a command refers to: by number, by environment, else the active (or latest) one. */
export async function resolveDeployment(deps: DeployDeps, ref?: string) {
  if (ref && /^#?\d+$/.test(ref)) {
    const found = await getDeployment(deps.db, Number(ref.replace('#', '')));
    if (!found)
      throw new AppError('not_found', `There is no deployment ${ref.startsWith('#') ? ref : `#${ref}`}.`);
    return found;
  }
  if (ref && !deps.plan.environments.includes(ref)) {
    throw new AppError(
      'bad_input',
      `\`${ref}\` is neither a deployment number nor an environment (${deps.plan.environments.join(', ')}).`,
    );
  }
  const active = (await listActiveDeployments(deps.db)).filter((d) => !ref || d.environment === ref);
  if (active.length > 0) return active[active.length - 1];
  return findLatestDeployment(deps.db, ref);
}

export async function describeStatus(deps: DeployDeps, ref?: string) {
  const deployment = await resolveDeployment(deps, ref);
  if (!deployment) return noDeploymentMessage(ref);
  return statusMessage({
    deployment,
    steps: await listLatestStepRuns(deps.db, deployment.id),
    application: deps.plan.application,
    timeZone: deps.plan.timezone,
    now: deps.clock(),
    traffic: deps.plan.traffic.mode,
  });
}
