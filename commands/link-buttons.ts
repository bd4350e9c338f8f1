import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';

/** A link button opens its URL in the browser; Slack still reports the click, which needs only an ack. */
export function linkButton() {
  return async ({ ack }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
  };
}
