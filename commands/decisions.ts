import type { SubcommandHandler } from '../src/command-context.js';
import { decideFromCommand, resolveIssueByNumber } from '../src/deploy/actions/command-decisions.js';

// The buttons' decisions as subcommands: the same `decide` and the same checks as a click.

export const retry: SubcommandHandler<'retry'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'retry', { userId });

export const markDone: SubcommandHandler<'mark_done'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'mark_done', { userId });

export const extend: SubcommandHandler<'extend'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'extend_soak', { userId });

export const go: SubcommandHandler<'go'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'proceed', { userId });

export const restoreDb: SubcommandHandler<'restore_db'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'confirm_restore', { userId });

export const keepDb: SubcommandHandler<'keep_db'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'skip_restore', { userId });

export const complete: SubcommandHandler<'complete'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'declare_complete', { userId });

export const allGood: SubcommandHandler<'all_good'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'acknowledge', { userId });

export const ack: SubcommandHandler<'ack'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'acknowledge_alert', { userId });

export const noAutoRollback: SubcommandHandler<'no_auto_rollback'> = (_command, { deps, userId }) =>
  decideFromCommand(deps, 'hold_auto_rollback', { userId });

export const resolve: SubcommandHandler<'resolve'> = (command, { deps, userId }) =>
  resolveIssueByNumber(deps, { userId, issueId: command.issueId });
