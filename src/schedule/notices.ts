import type pg from 'pg';
import { formatDateTime } from '../announce/format.js';
import { markdownToMrkdwn, renderTemplate, titleOf } from '../announce/render-template.js';
import type { MaintenanceWindow } from '../infra/db/windows.js';
import { formatDuration } from '../plan/duration.js';
import type { DeployDeps } from '../ports.js';
import { ownerUsers } from './owners.js';

/** Who to contact, by role, with the people who hold the roles when the notice goes to Slack. */
export async function contacts(
  client: pg.PoolClient | pg.Pool,
  deps: DeployDeps,
  forSlack: boolean,
): Promise<string> {
  const wanted = ['deployment_lead', 'support_lead'].filter((id) =>
    deps.plan.roles.some((role) => role.id === id),
  );
  const lines: string[] = [];
  for (const id of wanted) {
    const name = deps.plan.roles.find((role) => role.id === id)?.name ?? id;
    const users = forSlack ? await ownerUsers(client, deps.plan, id) : [];
    lines.push(`- ${name}${users.length > 0 ? `: ${users.map((u) => `<@${u}>`).join(', ')}` : ''}`);
  }
  return `${lines.join('\n')}\n- The deployment team's channel in Slack`;
}

export interface NoticeText {
  markdown: string;
  subject: string;
}

/** The maintenance notice from templates/notification-template.md (section 1.2). */
export async function renderNotice(
  client: pg.PoolClient,
  deps: DeployDeps,
  window: MaintenanceWindow,
  forSlack: boolean,
): Promise<NoticeText> {
  const markdown = renderTemplate(deps.plan.notificationTemplate, {
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
