import { describeStatus } from '../src/deploy/actions/status.js';
import type { SubcommandHandler } from '../src/infra/slack/command-context.js';

export const status: SubcommandHandler<'status'> = (command, { deps }) => describeStatus(deps, command.ref);
