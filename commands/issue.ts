import { reportIssue } from '../src/deploy/actions/report-issue.js';
import type { SubcommandHandler } from '../src/infra/slack/command-context.js';

export const issue: SubcommandHandler<'issue'> = (command, { deps, userId }) =>
  reportIssue(deps, { severity: command.severity, description: command.description, userId });
