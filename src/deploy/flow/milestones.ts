import type pg from 'pg';
import { formatDateTime } from '../../announce/format.js';
import { tellGitHub } from '../../announce/github-deployment.js';
import { broadcast } from '../../announce/outbound.js';
import { markdownToMrkdwn, renderTemplate, titleOf } from '../../announce/render-template.js';
import type { Deployment } from '../../infra/db/deployments.js';
import { findWindowOfDeployment } from '../../infra/db/windows.js';
import type { StatusPageStatus } from '../../infra/notify/notification.js';
import { section } from '../../infra/slack/block-kit.js';
import type { DeployDeps } from '../../ports.js';
import { contacts } from '../../schedule/notices.js';
import type { AfterCommit } from '../after-commit.js';

/** A one-line milestone for management (5.1: start, each stage completed, end), sent once per key. */
export async function pingManagement(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
  key: string,
  text: string,
) {
  // The thread is where the details are: managers get a link to the channel holding it, pinned.
  const line = `${text} (deployment #${deployment.id} · details in <#${deployment.channelId}>)`;
  await broadcast(client, deps, later, {
    key: `milestone-${deployment.id}-${key}`,
    deploymentId: deployment.id,
    audiences: ['management'],
    slack: { text: line, blocks: [section(line)] },
    message: { text: line },
  });
}

/** The status page at each stage (5.2), updating the window's scheduled maintenance when there is one. */
export async function updateStatusPage(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
  key: string,
  status: StatusPageStatus,
  body: string,
) {
  if (!deps.plan.maintenanceWindow.notifyVia.includes('status_page')) return;
  const window = await findWindowOfDeployment(client, deployment.id);
  await broadcast(client, deps, later, {
    key: `status-${deployment.id}-${key}`,
    deploymentId: deployment.id,
    audiences: ['status_page'],
    message: {
      text: body,
      statusPage: {
        name: `${deps.plan.application} ${deployment.version} upgrade`,
        status,
        body,
        ...(window ? { incidentKey: `notice-window-${window.id}:status_page` } : {}),
      },
    },
  });
}

async function supportBriefing(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
  when: 'during' | 'after',
  view: Record<string, unknown>,
) {
  const markdown = renderTemplate(`templates/messages/support-briefing-${when}.md`, {
    application: deps.plan.application,
    version: deployment.version,
    environment: deployment.environment,
    deploymentId: deployment.id,
    startedAt: formatDateTime(deployment.createdAt, deps.plan.timezone),
    contacts: await contacts(client, deps, true),
    ...view,
  });
  const text = markdownToMrkdwn(markdown);
  await broadcast(client, deps, later, {
    key: `briefing-${when}-${deployment.id}`,
    deploymentId: deployment.id,
    audiences: ['support'],
    slack: { text, blocks: [section(text)] },
    message: { text },
  });
}

export async function onDeploymentStarted(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
) {
  await pingManagement(
    client,
    deps,
    later,
    deployment,
    'start',
    `:rocket: ${deps.plan.application} ${deployment.version} → ${deployment.environment} started by <@${deployment.startedBy}>.`,
  );
  await updateStatusPage(
    client,
    deps,
    later,
    deployment,
    'start',
    'in_progress',
    `The upgrade to ${deployment.version} has started.`,
  );
  await supportBriefing(client, deps, later, deployment, 'during', {});
  await tellGitHub(client, deps, later, deployment, {
    key: 'start',
    create: true,
    state: 'in_progress',
    description: `Started by Stagecoach (deployment #${deployment.id})`,
  });
}

export async function onStageLive(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
  stageIndex: number,
) {
  const stage = deps.plan.stages[stageIndex];
  const previous = deps.plan.stages[stageIndex - 1];
  if (!stage) return;
  // Under `traffic: none` no command set a share of traffic: no percentage is claimed.
  const controlled = deps.plan.traffic.mode === 'command';
  const at = controlled ? ` at ${stage.percent}%` : ' (no traffic control)';
  const text = previous
    ? `:white_check_mark: ${previous.name}${controlled ? ` (${previous.percent}%)` : ''} completed; ${stage.name} is live${at}.`
    : `:large_green_circle: All checks passed; ${stage.name} is live${at}.`;
  await pingManagement(client, deps, later, deployment, `stage-${stageIndex}`, text);
  await tellGitHub(client, deps, later, deployment, {
    key: `stage-${stageIndex}`,
    state: 'in_progress',
    description: controlled
      ? `${stage.name} live at ${stage.percent}% of traffic`
      : `${stage.name} live (no traffic control)`,
  });
  await updateStatusPage(
    client,
    deps,
    later,
    deployment,
    `stage-${stageIndex}`,
    'verifying',
    controlled
      ? `${stage.percent}% of users are on ${deployment.version}; we are verifying it before going further.`
      : `${deployment.version} is live; we are verifying it (${stage.name}) before going further.`,
  );
}

export async function onDeploymentEnded(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
  outcome: 'completed' | 'rolled_back' | 'aborted',
  detail = '',
) {
  const label = { completed: 'is complete', rolled_back: 'was rolled back', aborted: 'was aborted' }[outcome];
  const icon = {
    completed: ':white_check_mark:',
    rolled_back: ':leftwards_arrow_with_hook:',
    aborted: ':no_entry:',
  }[outcome];
  await pingManagement(
    client,
    deps,
    later,
    deployment,
    'end',
    `${icon} ${deps.plan.application} ${deployment.version} → ${deployment.environment} ${label}.${detail ? ` ${detail}` : ''}`,
  );
  if (outcome !== 'aborted') {
    const body =
      outcome === 'completed'
        ? `${deployment.version} is live for everyone.`
        : `We returned to the previous version; the service runs as before the maintenance.`;
    await updateStatusPage(client, deps, later, deployment, 'end', 'completed', body);
  }
  await supportBriefing(client, deps, later, deployment, 'after', {
    outcome: outcome === 'completed' ? 'complete' : outcome.replace('_', ' '),
    summary:
      outcome === 'completed'
        ? `${deployment.version} is live for all users.`
        : `Users are back on the previous version. ${detail} ${await restoreConsequence(client, deps, deployment)}`.trim(),
  });
  if (outcome === 'completed') await successNotification(client, deps, later, deployment);
  await tellGitHub(client, deps, later, deployment, {
    key: 'end',
    state: { completed: 'success', rolled_back: 'failure', aborted: 'inactive' }[outcome] as
      | 'success'
      | 'failure'
      | 'inactive',
    description: {
      completed: 'Declared complete: live for everyone',
      rolled_back: `Rolled back to ${deployment.previousVersion ?? 'the previous version'}`,
      aborted: 'Aborted before it reached production',
    }[outcome],
  });
}

/**
 * What users lose when the database went back to the backup: every write since it was taken.
 * Said to support, who will hear about it first.
 */
async function restoreConsequence(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
): Promise<string> {
  const restored = await client.query<{ createdAt: Date }>(
    `SELECT created_at AS "createdAt" FROM audit_log WHERE deployment_id = $1 AND action = 'restore_succeeded' LIMIT 1`,
    [deployment.id],
  );
  if (restored.rowCount === 0) return '';
  const backup = await client.query<{ finishedAt: Date | null }>(
    `SELECT finished_at AS "finishedAt" FROM step_runs
      WHERE deployment_id = $1 AND status = 'succeeded' AND step_id IN (SELECT unnest($2::text[]))
      ORDER BY finished_at LIMIT 1`,
    [deployment.id, backupStepIds(deps)],
  );
  const since = backup.rows[0]?.finishedAt;
  return `The database was restored from the backup${since ? ` taken at ${formatDateTime(since, deps.plan.timezone)}` : ' taken before the deployment'}: anything users saved after that (new records, edits, uploads) is lost and must be entered again.`;
}

/** The plan's database backup steps, whatever they are called. */
function backupStepIds(deps: DeployDeps): string[] {
  return deps.plan.steps.filter((step) => step.run.kind === 'backup_database').map((step) => step.id);
}

/** 5.2: the success notification with highlights, where end users are told things. */
async function successNotification(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deployment: Deployment,
) {
  const markdown = renderTemplate('templates/messages/success-notification.md', {
    application: deps.plan.application,
    version: deployment.version,
    environment: deployment.environment,
    highlights: deps.plan.releaseHighlights,
    contacts: 'the support team',
  });
  const text = markdownToMrkdwn(markdown);
  const via = deps.plan.maintenanceWindow.notifyVia;
  await broadcast(client, deps, later, {
    key: `success-${deployment.id}`,
    deploymentId: deployment.id,
    // Written for end users: sent where they are told things. In Slack that is the support
    // channel, whose readers answer users; the team and management already had their lines.
    audiences: [
      ...(via.includes('slack') ? (['support'] as const) : []),
      ...(via.includes('email') ? (['email'] as const) : []),
      ...(via.includes('in_app') ? (['in_app'] as const) : []),
    ],
    slack: { text, blocks: [section(text)] },
    message: { text: markdown, subject: titleOf(markdown) },
  });
}
