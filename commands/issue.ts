import { reportIssue } from '../src/deploy/issues.js';
import type { SubcommandHandler } from '../src/slack/command-context.js';

export const issue: SubcommandHandler<'issue'> = (command, { deps, userId }) =>
  reportIssue(deps, { severity: command.severity, description: command.description, userId });
