import type { SubcommandHandler } from '../src/command-context.js';
import {
  lock as lockEnvironment,
  unlock as unlockEnvironment,
} from '../src/deploy/actions/environment-lock.js';
import { approve as approveNext, steer } from '../src/deploy/actions/steer.js';

export const approve: SubcommandHandler<'approve'> = (command, { deps, userId }) =>
  approveNext(deps, { userId, skipSoakReason: command.skipSoakReason });

export const hold: SubcommandHandler<'hold'> = (command, { deps, userId }) =>
  steer(deps, 'hold', { userId, reason: command.reason });

export const resume: SubcommandHandler<'resume'> = (_command, { deps, userId }) =>
  steer(deps, 'resume', { userId });

export const abort: SubcommandHandler<'abort'> = (command, { deps, userId }) =>
  steer(deps, 'abort', { userId, reason: command.reason });

export const rollback: SubcommandHandler<'rollback'> = (command, { deps, userId }) =>
  steer(deps, 'rollback', { userId, reason: command.reason ?? 'rollback requested from Slack' });

export const lock: SubcommandHandler<'lock'> = (command, { deps, userId }) =>
  lockEnvironment(deps, { ...command, userId });

export const unlock: SubcommandHandler<'unlock'> = (command, { deps, userId }) =>
  unlockEnvironment(deps, { ...command, userId });
