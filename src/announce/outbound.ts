import type pg from 'pg';
import type { AfterCommit } from '../deploy/after-commit.js';
import type { NotificationMessage } from '../infra/notify/notification.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';

export type Audience = 'deployment' | 'management' | 'support' | 'email' | 'status_page' | 'in_app';

/**
 * Records one message for several audiences in the caller's transaction (the outbox): each copy
 * has its own dedupe key derived from `key`, so it is sent once however often this runs.
 */
export async function broadcast(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  input: {
    key: string;
    deploymentId?: number | undefined;
    audiences: Audience[];
    slack?: Message;
    message: NotificationMessage;
    threadTs?: string;
    collapseGroup?: string;
    staleAfterMs?: number;
  },
): Promise<void> {
  const channels = deps.settings.channels;
  for (const audience of new Set(input.audiences)) {
    const common = {
      deploymentId: input.deploymentId,
      dedupeKey: `${input.key}:${audience}`,
      ...(input.collapseGroup ? { collapseGroup: `${input.collapseGroup}:${audience}` } : {}),
      ...(input.staleAfterMs !== undefined ? { staleAfterMs: input.staleAfterMs } : {}),
    };
    const row =
      audience === 'deployment' || audience === 'management' || audience === 'support'
        ? await enqueueNotification(
            client,
            {
              ...common,
              channel: 'slack',
              target: {
                channel: channels[audience],
                ...(input.threadTs && audience === 'deployment' ? { threadTs: input.threadTs } : {}),
              },
              message: {
                ...input.message,
                ...(input.slack ? { text: input.slack.text, blocks: input.slack.blocks } : {}),
              },
            },
            deps,
          )
        : await enqueueNotification(
            client,
            { ...common, channel: audience, target: {}, message: input.message },
            deps,
          );
    later.notify.push(row);
  }
}
