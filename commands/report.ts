import { requestReport } from '../src/report/post-report.js';
import type { SubcommandHandler } from '../src/slack/command-context.js';

export const report: SubcommandHandler<'report'> = (command, { deps }) => requestReport(deps, command.ref);
