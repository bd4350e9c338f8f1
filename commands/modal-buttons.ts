import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { type ModalId, modalForClick } from '../src/deploy/actions/modal-forms.js';
import { AppError } from '../src/errors.js';
import { answer } from '../src/infra/slack/answer.js';
import { isFirstDelivery } from '../src/infra/slack/dedupe.js';
import { userMessage } from '../src/infra/slack/user-message.js';
import type { DeployDeps } from '../src/ports.js';

/** A button that asks for words first (a reason, a description): opens its modal. */
export function modalButton(deps: DeployDeps, modal: ModalId) {
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
    try {
      const promptId = Number(action.value);
      if (!Number.isSafeInteger(promptId) || promptId <= 0)
        throw new AppError('bad_input', 'That button is malformed; use `/deploy status` instead.');
      const view = await modalForClick(deps, modal, promptId);
      await client.views.open({ trigger_id: body.trigger_id, view: view as never });
    } catch (error) {
      const text =
        error instanceof AppError
          ? error.message
          : `${userMessage(error, log)} The same can be done with a command: \`/deploy help\` lists them.`;
      await answer(respond, { response_type: 'ephemeral', replace_original: false, text }, log, {
        client,
        userId: body.user.id,
      });
    }
  };
}
