import { type IssueView, issueMessage } from '../../announce/blocks/issue-message.js';
import { pageRoles } from '../../announce/page.js';
import { recordPrompt } from '../../announce/prompts.js';
import { refreshRoot } from '../../announce/root.js';
import { noteInThread } from '../../announce/thread.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import type { DeployDeps } from '../../ports.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { allowedEvents, isTerminal } from '../model/lifecycle.js';
import { resolveDeployment } from './status.js';

/**
 * `/deploy issue <severity> <description>`, open to anyone in the channel (4.3): critical pages
 * both leads at once and offers a rollback while one is possible; major is tracked to a fix
 * forward; minor is documented for a later sprint.
 */
export async function reportIssue(
  deps: DeployDeps,
  input: {
    severity: IssueView['severity'];
    description: string;
    userId: string;
    /** From a check-in's [Report issue]: that deployment, even if another one is active now. */
    deploymentId?: number | undefined;
  },
): Promise<string> {
  const target =
    input.deploymentId === undefined
      ? await resolveDeployment(deps)
      : await getDeployment(deps.db, input.deploymentId);
  if (!target) throw new AppError('not_found', 'There is no deployment to report an issue against.');
  const description = input.description.trim().slice(0, 1000);
  const later = afterCommit();
  const issue = await inTransaction(deps.db, async (client) => {
    const deployment = await getDeployment(client, target.id, { forUpdate: true });
    if (!deployment) throw new AppError('not_found', 'That deployment is gone.');
    const owner = input.severity === 'minor' ? null : input.userId;
    const inserted = await client.query<{ id: number }>(
      `INSERT INTO issues (deployment_id, severity, description, reported_by, owner) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [deployment.id, input.severity, description, input.userId, owner],
    );
    const id = inserted.rows[0]?.id as number;
    await writeAudit(client, {
      deploymentId: deployment.id,
      actor: input.userId,
      action: 'issue_reported',
      detail: { issueId: id, severity: input.severity, description },
    });
    const view: IssueView = { id, severity: input.severity, description, reportedBy: input.userId, owner };
    const protocol = deps.plan.monitoring.issueResponse[input.severity];
    if (input.severity === 'minor') {
      await noteInThread(
        client,
        later,
        deployment.id,
        issueMessage({ issue: view, protocol, promptId: 0, canRollBack: false, afterWindow: false }),
      );
    } else {
      const canRollBack = allowedEvents(deployment.state).includes('rollback');
      await recordPrompt(
        client,
        later,
        deployment.id,
        'issue',
        (promptId) =>
          issueMessage({
            issue: view,
            protocol,
            promptId,
            canRollBack,
            afterWindow: isTerminal(deployment.state),
          }),
        { issueId: id, severity: input.severity },
      );
    }
    if (input.severity === 'critical') {
      const named = ['deployment_lead', 'project_lead'].filter((role) =>
        deps.plan.roles.some((r) => r.id === role),
      );
      // Any team's plan: without those roles, whoever may roll back is paged.
      const leads = named.length > 0 ? named : deps.plan.authorization.rollback;
      await pageRoles(
        client,
        deps,
        deployment.id,
        leads,
        `critical issue #${id} on deployment #${deployment.id} (${deployment.version} → ${deployment.environment}): ${description}`,
        later,
        { key: `issue-${id}`, kind: 'metric' },
      );
    }
    return view;
  });
  await runAfterCommit(deps, later);
  await refreshRoot(deps, target.id);
  const follow = {
    critical: 'The deployment lead and project lead were paged.',
    major: 'It is tracked until someone marks it resolved.',
    minor: 'It is documented for an upcoming sprint.',
  }[input.severity];
  return `Issue #${issue.id} (${input.severity}) recorded on deployment #${target.id}. ${follow}`;
}
