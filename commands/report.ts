import type { SubcommandHandler } from '../src/command-context.js';
import { requestReport } from '../src/report/post-report.js';

export const report: SubcommandHandler<'report'> = (command, { deps }) => requestReport(deps, command.ref);
