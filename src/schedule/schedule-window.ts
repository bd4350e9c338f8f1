import { scheduleMessage } from '../announce/blocks/schedule-message.js';
import { liveTimelineMessage } from '../announce/blocks/timeline-message.js';
import { afterCommit, runAfterCommit } from '../deploy/after-commit.js';
import { authorize } from '../deploy/authorize.js';
import { scheduleTimer } from '../deploy/flow/timers.js';
import { validateVersion } from '../deploy/model/validate-version.js';
import { AppError } from '../errors.js';
import { listAudit, writeAudit } from '../infra/db/audit.js';
import { listActiveDeployments } from '../infra/db/deployments.js';
import { inTransaction } from '../infra/db/pool.js';
import { cancelWindowTimers } from '../infra/db/timers.js';
import {
  cancelScheduledWindows,
  findCurrentWindow,
  insertScheduleItem,
  insertWindow,
  listScheduleItems,
} from '../infra/db/windows.js';
import type { Message } from '../infra/slack/block-kit.js';
import { formatDuration, parseDuration, parseOffset } from '../plan/duration.js';
import type { DeployDeps } from '../ports.js';
import { summarizeDetail } from '../report/build-timeline.js';
import { ownerNames } from './owners.js';
import { isOffPeak, parseWindowStart } from './parse-window-start.js';

/** Rows whose time comes before the window: Stagecoach acts on them with a timer. */
export const timedTracks = ['notice', 'final_testing', 'rollback_resources', 'window'];

/** `/deploy window`: records the window, lays out section 8 relative to it, and arms the pre-window timers. */
export async function scheduleWindow(
  deps: DeployDeps,
  input: { start: string; duration?: string | undefined; version?: string | undefined; userId: string },
): Promise<Message & { inChannel: boolean }> {
  const { plan } = deps;
  const startsAt = parseWindowStart(input.start, plan.timezone);
  const durationMs =
    input.duration === undefined ? plan.maintenanceWindow.duration : parseDuration(input.duration);
  if (durationMs === undefined || durationMs <= 0) {
    throw new AppError(
      'bad_input',
      `\`${input.duration}\` is not a duration. Use e.g. \`4h\`, \`90m\` or \`PT4H\`.`,
    );
  }
  if (input.version) validateVersion(plan, input.version);
  const now = deps.clock();
  if (startsAt.getTime() <= now.getTime())
    throw new AppError('bad_input', 'The window must start in the future.');
  await authorize(deps, 'start', input.userId);

  const warnings: string[] = [];
  const noticeMs = plan.maintenanceWindow.notice;
  if (startsAt.getTime() - now.getTime() < noticeMs) {
    warnings.push(
      `Less than ${formatDuration(noticeMs)} of notice: the plan asks users to be told ${formatDuration(noticeMs)} ahead. The notice goes out now.`,
    );
  }
  if (!isOffPeak(startsAt, plan.timezone, plan.maintenanceWindow.offPeak)) {
    const { eveningStart, morningEnd } = plan.maintenanceWindow.offPeak;
    warnings.push(
      `Not off-peak: the plan prefers weekends or ${eveningStart}–${morningEnd} (${plan.timezone}).`,
    );
  }

  const later = afterCommit();
  const environment = plan.defaultEnvironment;
  const window = await inTransaction(deps.db, async (client) => {
    for (const old of await cancelScheduledWindows(client, environment))
      later.disarm.push(...(await cancelWindowTimers(client, old.id)));
    const created = await insertWindow(client, {
      environment,
      startsAt,
      durationMs,
      version: input.version ?? null,
      createdBy: input.userId,
    });
    for (const [position, item] of plan.schedule.entries()) {
      const dueAt = new Date(startsAt.getTime() + (parseOffset(item.at) ?? 0));
      await insertScheduleItem(client, {
        windowId: created.id,
        itemId: item.id,
        position,
        atOffset: item.at,
        dueAt,
        activity: item.activity,
        owner: item.owner,
        tracks: item.tracks ?? null,
      });
      if (item.tracks && timedTracks.includes(item.tracks)) {
        later.arm.push(
          await scheduleTimer(client, deps, {
            deploymentId: null,
            windowId: created.id,
            kind: 'window_item',
            key: `window-${created.id}-${item.id}`,
            afterMs: Math.max(0, dueAt.getTime() - now.getTime()),
            payload: { itemId: item.id, tracks: item.tracks },
          }),
        );
      }
    }
    await writeAudit(client, {
      actor: input.userId,
      action: 'schedule_window',
      detail: { windowId: created.id, startsAt, durationMs, version: input.version, warnings },
    });
    return created;
  });
  await runAfterCommit(deps, later);
  const items = await listScheduleItems(deps.db, window.id);
  return {
    ...scheduleMessage({ window, items, ownerNames: ownerNames(plan), timeZone: plan.timezone, warnings }),
    inChannel: true,
  };
}

/** `/deploy schedule`: the current window's table with live statuses. */
export async function describeSchedule(deps: DeployDeps): Promise<Message> {
  const window = await findCurrentWindow(deps.db, deps.plan.defaultEnvironment);
  if (!window) {
    // A deployment started without a window still has a timeline: show it, live.
    const [live] = await listActiveDeployments(deps.db);
    if (live) {
      const audit = await listAudit(deps.db, { deploymentId: live.id });
      const lines = audit
        .filter((row) => row.action !== 'refused')
        .map((row) => ({
          at: row.createdAt,
          actor: row.actor,
          action: row.action,
          to: row.toState,
          detail: summarizeDetail(row.detail, 120),
        }));
      return liveTimelineMessage(live, lines, deps.plan.timezone);
    }
    const text =
      'No maintenance window is scheduled. Schedule one with `/deploy window <ISO-8601 start> [<duration>] [<version>]`.';
    return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
  }
  const items = await listScheduleItems(deps.db, window.id);
  return scheduleMessage({ window, items, ownerNames: ownerNames(deps.plan), timeZone: deps.plan.timezone });
}
