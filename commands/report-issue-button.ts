import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { isFirstDelivery } from '../src/infra/slack/dedupe.js';
import type { DeployDeps } from '../src/ports.js';

/** [Report issue] on a check-in: says how to file it with its severity, which decides the response protocol. */
export function reportIssueButton(deps: DeployDeps) {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    if (!(await isFirstDelivery(deps.db, body as unknown as Record<string, unknown>, deps.log))) return;
    await respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Report it with its severity: `/deploy issue critical <what is broken>` (pages the leads, offers rollback), `/deploy issue major <...>` (fix forward) or `/deploy issue minor <...>` (next sprint).',
    }).catch((error) => deps.log.warn({ err: error }, 'could not answer the click'));
  };
}
