import type { SubcommandHandler } from '../src/command-context.js';
import { describeSchedule, scheduleWindow } from '../src/schedule/schedule-window.js';

export const window: SubcommandHandler<'window'> = (command, { deps, userId }) =>
  scheduleWindow(deps, { ...command, userId });

export const schedule: SubcommandHandler<'schedule'> = (_command, { deps }) => describeSchedule(deps);
