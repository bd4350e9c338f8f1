import type { SubcommandHandler } from '../src/command-context.js';
import { describeStatus } from '../src/deploy/actions/status.js';

export const status: SubcommandHandler<'status'> = (command, { deps }) => describeStatus(deps, command.ref);
