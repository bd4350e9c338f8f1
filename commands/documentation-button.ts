import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { markDocumentationDone } from '../src/deploy/actions/documentation.js';
import { answer } from '../src/infra/slack/answer.js';
import { isFirstDelivery } from '../src/infra/slack/dedupe.js';
import { userMessage } from '../src/infra/slack/user-message.js';
import type { DeployDeps } from '../src/ports.js';

/** [Done] on one documentation item. */
export function documentationButton(deps: DeployDeps) {
  return async ({
    action,
    body,
    ack,
    respond,
    client,
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
    await answer(respond, { response_type: 'ephemeral', replace_original: false, text }, log, {
      client,
      userId: body.user.id,
    });
  };
}
