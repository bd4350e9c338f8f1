import type { SubcommandHandler } from '../src/command-context.js';
import { usage } from '../src/infra/slack/parse-command.js';

export const help: SubcommandHandler<'help'> = async () => usage;
