import type pg from 'pg';
import type { AfterCommit } from '../deploy/after-commit.js';
import { getDeployment } from '../infra/db/deployments.js';
import type { NotificationMessage } from '../infra/notify/notification.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import { labelDryRun } from './blocks/dry-run.js';
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
  // A dry run speaks only in its own channel, and says it is one: no pings, status page, email or in-app notice.
  const dryRun =
    input.deploymentId !== undefined && (await getDeployment(client, input.deploymentId))?.dryRun === true;
  const audiences = dryRun
    ? input.audiences.filter((audience) => audience === 'deployment')
    : input.audiences;
  const slack = input.slack && dryRun ? labelDryRun(input.slack) : input.slack;
  for (const audience of new Set(audiences)) {
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
                ...(slack ? { text: slack.text, blocks: slack.blocks } : {}),
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
