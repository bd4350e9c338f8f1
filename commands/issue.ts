import type { SubcommandHandler } from '../src/command-context.js';
import { reportIssue } from '../src/deploy/actions/report-issue.js';

export const issue: SubcommandHandler<'issue'> = (command, { deps, userId }) =>
  reportIssue(deps, { severity: command.severity, description: command.description, userId });
