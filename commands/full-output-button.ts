import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { shareStepOutput } from '../src/deploy/actions/share-step-output.js';
import { AppError } from '../src/errors.js';
import { answer } from '../src/infra/slack/answer.js';
import { isFirstDelivery } from '../src/infra/slack/dedupe.js';
import { userMessage } from '../src/infra/slack/user-message.js';
import type { DeployDeps } from '../src/ports.js';

/** [Full output] on a step's message (its value is the step run id): the whole output as a file in the thread. */
export function fullOutputButton(deps: DeployDeps) {
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
    let text: string | undefined;
    try {
      const stepRunId = Number(action.value);
      if (!Number.isSafeInteger(stepRunId) || stepRunId <= 0)
        throw new AppError('bad_input', 'That button is malformed; use `/deploy status` instead.');
      // The file in the thread is the answer; only "already there" or a refusal is said privately.
      text = await shareStepOutput({ ...deps, log }, { stepRunId, userId: body.user.id });
    } catch (error) {
      text = userMessage(error, log);
    }
    if (text)
      await answer(respond, { response_type: 'ephemeral', replace_original: false, text }, log, {
        client,
        userId: body.user.id,
      });
  };
}
