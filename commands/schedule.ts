import { describeSchedule, scheduleWindow } from '../src/schedule/schedule-window.js';
import type { SubcommandHandler } from '../src/slack/command-context.js';

export const window: SubcommandHandler<'window'> = (command, { deps, userId }) =>
  scheduleWindow(deps, { ...command, userId });

export const schedule: SubcommandHandler<'schedule'> = (_command, { deps }) => describeSchedule(deps);
