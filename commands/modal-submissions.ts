import type { AllMiddlewareArgs, SlackViewAction, SlackViewMiddlewareArgs } from '@slack/bolt';
import {
  FormError,
  type ModalId,
  modalFields,
  modalInputAction,
  parseModalContext,
  submitModal,
} from '../src/deploy/actions/modal-forms.js';
import { userMessage } from '../src/infra/slack/user-message.js';
import type { DeployDeps } from '../src/ports.js';

type Values = Record<
  string,
  Record<string, { value?: string | null; selected_option?: { value: string } | null }>
>;

/**
 * A submitted modal: the same checks as the command it stands for. A problem is shown in the
 * form, under the field it concerns, and changes nothing; success closes it (the thread shows it).
 */
export function modalSubmission(deps: DeployDeps, modal: ModalId) {
  return async ({ ack, body, view }: SlackViewMiddlewareArgs<SlackViewAction> & AllMiddlewareArgs) => {
    const log = deps.log.child({ modal, user: body.user.id });
    const context = parseModalContext(view.private_metadata);
    if (!context) {
      await ack({
        response_action: 'errors',
        errors: { [modalFields.text]: 'This form is malformed; close it and use `/deploy status`.' },
      });
      return;
    }
    const values = view.state.values as Values;
    const field = (block: string) => values[block]?.[modalInputAction];
    try {
      await submitModal(
        deps,
        modal,
        context,
        {
          severity: field(modalFields.severity)?.selected_option?.value,
          text: field(modalFields.text)?.value ?? undefined,
        },
        body.user.id,
      );
      await ack();
    } catch (error) {
      const [block, message] =
        error instanceof FormError
          ? [error.field, error.message]
          : [modalFields.text, userMessage(error, log)];
      await ack({ response_action: 'errors', errors: { [block]: message } });
    }
  };
}
