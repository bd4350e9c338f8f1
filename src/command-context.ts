import type { Message } from './infra/slack/block-kit.js';
import type { DeployCommand } from './infra/slack/parse-command.js';
import type { DeployDeps } from './ports.js';

export interface CommandContext {
  deps: DeployDeps;
  userId: string;
  channelId: string;
}

/** An answer: shown only to the caller (ephemeral) unless `inChannel`. */
export type Answer = string | (Message & { inChannel?: boolean });

export type SubcommandHandler<N extends DeployCommand['name']> = (
  command: Extract<DeployCommand, { name: N }>,
  context: CommandContext,
) => Promise<Answer>;
