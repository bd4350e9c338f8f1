import { actionIds } from '../slack/action-ids.js';
import type { ButtonSpec } from '../slack/blocks/block-kit.js';
import { allowedEvents, type DeploymentState } from './lifecycle.js';

/** The buttons of a halted step's prompt: only those valid in the state, and abort only before production changed. */
export function haltedStepButtons(state: DeploymentState, promptId: number, productionTouched: boolean): ButtonSpec[] {
  const valid = allowedEvents(state);
  const value = String(promptId);
  const buttons: ButtonSpec[] = [];
  if (valid.includes('retry')) {
    buttons.push({ actionId: actionIds.retryStep, text: 'Retry step', value, style: 'primary' });
  }
  if (valid.includes('mark_done')) {
    buttons.push({
      actionId: actionIds.markDone,
      text: 'Mark done',
      value,
      confirm: {
        title: 'Mark this step done?',
        text: 'Only if you checked that its work is complete. The deployment continues with the next step.',
        confirm: 'Mark done',
      },
    });
  }
  if (valid.includes('abort') && !productionTouched) {
    buttons.push({
      actionId: actionIds.abort,
      text: 'Abort',
      value,
      style: 'danger',
      confirm: {
        title: 'Abort this deployment?',
        text: 'Nothing has reached production yet. Pending steps are cancelled and the environment is freed.',
        confirm: 'Abort',
        style: 'danger',
      },
    });
  }
  if (valid.includes('rollback') && productionTouched) {
    buttons.push({
      actionId: actionIds.rollback,
      text: 'Roll back',
      value,
      style: 'danger',
      confirm: {
        title: 'Roll back?',
        text: 'Reverts production to the previous version. A database restore, if needed, is asked for separately.',
        confirm: 'Roll back',
        style: 'danger',
      },
    });
  }
  return buttons;
}
