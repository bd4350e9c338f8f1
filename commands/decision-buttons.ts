import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { type Decision, decideAndTell } from '../src/deploy/actions/decide.js';
import { actionIds } from '../src/deploy/model/action-ids.js';
import { AppError } from '../src/errors.js';
import { answer } from '../src/infra/slack/answer.js';
import { isFirstDelivery } from '../src/infra/slack/dedupe.js';
import { userMessage } from '../src/infra/slack/user-message.js';
import type { DeployDeps } from '../src/ports.js';

/**
 * Buttons whose click is a decision on the prompt they belong to (the button's value is the prompt
 * id). Roll back, Resume and Resolved ask for a reason first: see modal-buttons.ts.
 */
export const decisionButtons: Record<string, Decision> = {
  [actionIds.retryStep]: 'retry',
  [actionIds.markDone]: 'mark_done',
  [actionIds.abort]: 'abort',
  [actionIds.promote]: 'promote',
  [actionIds.extendSoak]: 'extend_soak',
  [actionIds.proceed]: 'proceed',
  [actionIds.confirmRestore]: 'confirm_restore',
  [actionIds.skipRestore]: 'skip_restore',
  [actionIds.declareComplete]: 'declare_complete',
  [actionIds.checkInOk]: 'acknowledge',
  [actionIds.acknowledgeAlert]: 'acknowledge_alert',
  [actionIds.holdAutoRollback]: 'hold_auto_rollback',
};

export function decisionButton(deps: DeployDeps, decision: Decision) {
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
      const promptId = Number(action.value);
      if (!Number.isSafeInteger(promptId) || promptId <= 0)
        throw new AppError('bad_input', 'That button is malformed; use `/deploy status` instead.');
      const told = await decideAndTell({ ...deps, log }, { decision, userId: body.user.id, promptId });
      // The prompt itself now says who decided what: a private echo would only be noise.
      if (told.shownInChannel) return;
      text = told.text;
    } catch (error) {
      text = userMessage(error, log);
    }
    await answer(respond, { response_type: 'ephemeral', replace_original: false, text }, log, {
      client,
      userId: body.user.id,
    });
  };
}
