import type { MaintenanceWindow, ScheduleItemRow, ScheduleStatus } from '../../infra/db/windows.js';
import { context, header, type Message, section } from '../../infra/slack/block-kit.js';
import { formatDuration } from '../../plan/duration.js';
import { formatDateTime } from '../format.js';

export const scheduleStatusLabels: Record<ScheduleStatus, string> = {
  not_started: ':white_circle: Not Started',
  in_progress: ':large_blue_circle: In Progress',
  done: ':white_check_mark: Done',
  skipped: ':heavy_minus_sign: Skipped',
  failed: ':x: Failed',
};

/** Section 8's table for one maintenance window, with each row's live status. */
export function scheduleMessage(input: {
  window: MaintenanceWindow;
  items: ScheduleItemRow[];
  ownerNames: Record<string, string>;
  timeZone: string;
  warnings?: string[];
}): Message {
  const { window } = input;
  const title = `Deployment schedule${window.version ? ` for ${window.version}` : ''} · ${window.environment}`;
  const rows = input.items.map(
    (item) =>
      `\`T${item.atOffset}\` ${formatDateTime(item.dueAt, input.timeZone)} · *${item.activity}* · ${input.ownerNames[item.owner] ?? item.owner} · ${scheduleStatusLabels[item.status]}`,
  );
  const warnings = input.warnings ?? [];
  return {
    text: `${title}: window starts ${formatDateTime(window.startsAt, input.timeZone)} for ${formatDuration(window.durationMs)}`,
    blocks: [
      header(title),
      section(
        `Maintenance window: *${formatDateTime(window.startsAt, input.timeZone)}* for *${formatDuration(window.durationMs)}* (${input.timeZone})`,
      ),
      ...(warnings.length > 0 ? [section(warnings.map((w) => `:warning: ${w}`).join('\n'))] : []),
      section(rows.join('\n')),
      context('Statuses follow the deployment as it moves. `/deploy schedule` shows this table again.'),
    ],
  };
}
