import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { DeployDeps } from '../src/deploy/deps.js';
import { markDocumentationDone } from '../src/deploy/documentation.js';
import { answer } from '../src/slack/answer.js';
import { isFirstDelivery } from '../src/slack/dedupe.js';
import { userMessage } from '../src/slack/user-message.js';

/** [Done] on one documentation item. */
export function documentationButton(deps: DeployDeps) {
  return async ({
    action,
    body,
    ack,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const log = deps.log.child({ action: action.action_id, user: body.user.id });
    if (!(await isFirstDelivery(deps.db, body as unknown as Record<string, unknown>, log))) return;
    let text: string;
    try {
      text = await markDocumentationDone(
        { ...deps, log },
        { value: action.value ?? '', userId: body.user.id },
      );
    } catch (error) {
      text = userMessage(error, log);
    }
    await answer(respond, { response_type: 'ephemeral', replace_original: false, text }, log);
  };
}
