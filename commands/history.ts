import { describeHistory } from '../src/report/history.js';
import type { SubcommandHandler } from '../src/slack/command-context.js';

export const history: SubcommandHandler<'history'> = (_command, { deps }) => describeHistory(deps);
