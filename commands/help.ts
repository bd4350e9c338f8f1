import type { SubcommandHandler } from '../src/slack/command-context.js';
import { usage } from '../src/slack/parse-command.js';

export const help: SubcommandHandler<'help'> = async () => usage;
