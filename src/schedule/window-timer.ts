import type pg from 'pg';
import { rolloutSentence } from '../announce/blocks/labels.js';
import { formatDateTime } from '../announce/format.js';
import { broadcast } from '../announce/outbound.js';
import { renderTemplate } from '../announce/render-template.js';
import type { AfterCommit } from '../deploy/after-commit.js';
import { scaled } from '../deploy/flow/timers.js';
import type { Timer } from '../infra/db/timers.js';
import {
  getWindow,
  listScheduleItems,
  type MaintenanceWindow,
  setTrackedStatus,
} from '../infra/db/windows.js';
import { section } from '../infra/slack/block-kit.js';
import { formatDuration } from '../plan/duration.js';
import type { DeployDeps } from '../ports.js';
import { contacts, renderNotice, toMrkdwn } from './notices.js';
import { ownerNames, ownerUsers } from './owners.js';
import type { ResourceCheck } from './rollback-resources.js';

const oneHour = 3600_000;

/** A pre-window row of the schedule is due: send the notice, remind its owners, check what it names. */
export async function actOnWindowTimer(
  client: pg.PoolClient,
  deps: DeployDeps,
  timer: Timer,
  later: AfterCommit,
  checks?: ResourceCheck[],
) {
  if (timer.windowId === null) return;
  const window = await getWindow(client, timer.windowId);
  if (window?.status !== 'scheduled') return;
  const tracks = String(timer.payload.tracks);
  const item = (await listScheduleItems(client, window.id)).find(
    (row) => row.itemId === timer.payload.itemId,
  );
  if (!item) return;
  if (tracks === 'notice') {
    await sendMaintenanceNotice(client, deps, window, later);
    await setTrackedStatus(client, window.id, 'notice', 'done');
    return;
  }
  const users = await ownerUsers(client, deps.plan, item.owner);
  const owner = ownerNames(deps.plan)[item.owner] ?? item.owner;
  const who =
    users.length > 0 ? users.map((u) => `<@${u}>`).join(' ') : `${owner} (no one assigned: \`/deploy role\`)`;
  const when = formatDateTime(window.startsAt, deps.plan.timezone);
  let text = `:alarm_clock: ${who} T${item.atOffset}: *${item.activity}* is due (${owner}) for the maintenance window of ${when}.`;
  if (tracks === 'window') text += ` Start it with \`/deploy start ${window.version ?? '<version>'}\`.`;
  if (tracks === 'rollback_resources' && checks) {
    const ok = checks.every((check) => check.ok);
    text += `\n${checks.map((c) => `${c.ok ? ':white_check_mark:' : ':x:'} ${c.name}: ${c.detail}`).join('\n')}`;
    await setTrackedStatus(client, window.id, tracks, ok ? 'done' : 'failed');
    await supportBriefingBefore(client, deps, window, later);
  } else {
    await setTrackedStatus(client, window.id, tracks, 'in_progress');
  }
  await broadcast(client, deps, later, {
    key: `reminder-window-${window.id}-${item.itemId}`,
    audiences: ['deployment'],
    slack: { text, blocks: [section(text)] },
    message: { text },
    // Reminders that wake up after an outage are folded into one message, not replayed in a burst.
    collapseGroup: `reminders-window-${window.id}`,
    staleAfterMs: Math.max(1_000, scaled(deps, oneHour)),
  });
}

/** T-5d: the maintenance notice, once, on every channel the plan names. */
async function sendMaintenanceNotice(
  client: pg.PoolClient,
  deps: DeployDeps,
  window: MaintenanceWindow,
  later: AfterCommit,
) {
  const via = deps.plan.maintenanceWindow.notifyVia;
  const slackNotice = await renderNotice(client, deps, window, true);
  const plainNotice = await renderNotice(client, deps, window, false);
  const slackText = toMrkdwn(slackNotice.markdown);
  const audiences = [
    ...(via.includes('slack') ? (['deployment', 'management', 'support'] as const) : []),
    ...(via.includes('email') ? (['email'] as const) : []),
    ...(via.includes('in_app') ? (['in_app'] as const) : []),
    ...(via.includes('status_page') ? (['status_page'] as const) : []),
  ];
  await broadcast(client, deps, later, {
    key: `notice-window-${window.id}`,
    audiences: [...audiences],
    slack: { text: slackText, blocks: [section(slackText)] },
    message: {
      text: plainNotice.markdown,
      subject: plainNotice.subject,
      statusPage: {
        name: plainNotice.subject,
        status: 'scheduled',
        body: plainNotice.markdown,
        scheduledFor: window.startsAt.toISOString(),
        scheduledUntil: new Date(window.startsAt.getTime() + window.durationMs).toISOString(),
        impact: 'minor',
      },
    },
  });
}

/** T-1d: what support should know before the window. */
async function supportBriefingBefore(
  client: pg.PoolClient,
  deps: DeployDeps,
  window: MaintenanceWindow,
  later: AfterCommit,
) {
  const markdown = renderTemplate('templates/messages/support-briefing-before.md', {
    application: deps.plan.application,
    version: window.version ?? 'the next release',
    windowStart: formatDateTime(window.startsAt, deps.plan.timezone),
    timezone: deps.plan.timezone,
    duration: formatDuration(window.durationMs),
    impact: deps.plan.maintenanceWindow.impact,
    rollout: rolloutSentence(deps.plan.traffic.mode, deps.plan.stages, formatDuration),
    contacts: await contacts(client, deps, true),
  });
  const text = toMrkdwn(markdown);
  await broadcast(client, deps, later, {
    key: `briefing-before-window-${window.id}`,
    audiences: ['support'],
    slack: { text, blocks: [section(text)] },
    message: { text },
  });
}
