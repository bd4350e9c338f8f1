import { describeStatus } from '../src/deploy/status.js';
import type { SubcommandHandler } from '../src/slack/command-context.js';

export const status: SubcommandHandler<'status'> = (command, { deps }) => describeStatus(deps, command.ref);
