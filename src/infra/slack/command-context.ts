import type { Message } from '../../announce/blocks/block-kit.js';
import type { DeployDeps } from '../../ports.js';
import type { DeployCommand } from './parse-command.js';

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
