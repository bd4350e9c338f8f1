import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type pg from 'pg';
import { formatDateTime } from '../announce/format.js';
import { bundledTemplate, markdownToMrkdwn, renderTemplate, titleOf } from '../announce/render-template.js';
import { AppError } from '../errors.js';
import type { MaintenanceWindow } from '../infra/db/windows.js';
import { defaultNotificationTemplate } from '../plan/check-workspace.js';
import { formatDuration } from '../plan/duration.js';
import type { DeployDeps } from '../ports.js';
import { ownerUsers } from './owners.js';

/** Who to contact, by role, with the people who hold the roles when the notice goes to Slack. */
export async function contacts(
  client: pg.PoolClient | pg.Pool,
  deps: DeployDeps,
  forSlack: boolean,
): Promise<string> {
  // The leads when the plan has them; otherwise whoever may start a deployment (any team's plan).
  const leads = ['deployment_lead', 'support_lead'].filter((id) =>
    deps.plan.roles.some((role) => role.id === id),
  );
  const wanted = leads.length > 0 ? leads : deps.plan.authorization.start;
  const lines: string[] = [];
  for (const id of wanted) {
    const name = deps.plan.roles.find((role) => role.id === id)?.name ?? id;
    const users = forSlack ? await ownerUsers(client, deps.plan, id) : [];
    const who =
      users.length > 0
        ? `: ${users.map((u) => `<@${u}>`).join(', ')}`
        : forSlack
          ? ': unassigned, ask in the deployment channel (an admin assigns it with `/deploy role`)'
          : '';
    lines.push(`- ${name}${who}`);
  }
  return `${lines.join('\n')}\n- The deployment team's channel in Slack`;
}

export interface NoticeText {
  markdown: string;
  subject: string;
}

/**
 * Where the plan's `notificationTemplate` is read: relative to WORKSPACE_DIR, like every path a
 * plan names. Only the default path falls back to the template bundled with Stagecoach when the
 * workspace has no file of that name; any other missing template is an error naming both paths.
 */
export function notificationTemplatePath(deps: {
  plan: Pick<DeployDeps['plan'], 'notificationTemplate'>;
  settings: Pick<DeployDeps['settings'], 'workspaceDir'>;
}): string {
  const named = deps.plan.notificationTemplate;
  const inWorkspace = resolve(deps.settings.workspaceDir, named);
  if (existsSync(inWorkspace)) return inWorkspace;
  if (named === defaultNotificationTemplate) return bundledTemplate(defaultNotificationTemplate);
  throw new AppError(
    'invalid_config',
    `the plan's notificationTemplate ${named} is not in WORKSPACE_DIR (no file ${inWorkspace}): add it there or fix the path in the plan`,
  );
}

/** The maintenance notice from the plan's notificationTemplate (section 1.2). */
export async function renderNotice(
  client: pg.PoolClient,
  deps: DeployDeps,
  window: MaintenanceWindow,
  forSlack: boolean,
): Promise<NoticeText> {
  const markdown = renderTemplate(notificationTemplatePath(deps), {
    application: deps.plan.application,
    version: window.version ?? 'the next release',
    windowStart: formatDateTime(window.startsAt, deps.plan.timezone),
    timezone: deps.plan.timezone,
    duration: formatDuration(window.durationMs),
    impact: deps.plan.maintenanceWindow.impact,
    contacts: await contacts(client, deps, forSlack),
  });
  return { markdown, subject: titleOf(markdown) };
}

export const toMrkdwn = markdownToMrkdwn;
