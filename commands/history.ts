import type { SubcommandHandler } from '../src/command-context.js';
import { describeHistory } from '../src/report/history.js';

export const history: SubcommandHandler<'history'> = (_command, { deps }) => describeHistory(deps);
