import { actionIds } from '../deploy/model/action-ids.js';
import { allowedEvents, type DeploymentState } from '../deploy/model/lifecycle.js';
import type { ButtonSpec, Message } from '../infra/slack/block-kit.js';

/** The buttons of a halted step's prompt: only those valid in the state, and abort only before production changed. */
export function haltedStepButtons(
  state: DeploymentState,
  promptId: number,
  productionTouched: boolean,
): ButtonSpec[] {
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
  if (valid.includes('rollback') && productionTouched) buttons.push(rollbackButton(value));
  return buttons;
}

/**
 * [Roll back] opens a form asking why (commands/modal-buttons.ts), which says what cannot be undone
 * and is itself the confirmation: no second dialog before it.
 */
const rollbackButton = (value: string): ButtonSpec => ({
  actionId: actionIds.rollback,
  text: 'Roll back',
  value,
  style: 'danger',
});

/** `nextPercent` undefined: the plan has no traffic control, so the button names the stage, not a share. */
export function promotionButtons(
  promptId: number,
  nextPercent: number | undefined,
  nextName?: string,
  /** How much longer [Extend soak] soaks, e.g. "12h": said on the button. */
  extendBy?: string,
): ButtonSpec[] {
  const value = String(promptId);
  const to = nextPercent === undefined ? (nextName ?? 'the next stage') : `${nextPercent}%`;
  return [
    {
      actionId: actionIds.promote,
      text: `Promote to ${to}`.slice(0, 75),
      value,
      style: 'primary',
      confirm: {
        title: `Promote to ${to}?`.slice(0, 100),
        text:
          nextPercent === undefined
            ? 'The next stage begins; no traffic command runs (the plan has no traffic control).'
            : `${nextPercent}% of production traffic will be served by the new version.`,
        confirm: 'Promote',
        style: 'primary',
      },
    },
    { actionId: actionIds.extendSoak, text: extendBy ? `Extend soak by ${extendBy}` : 'Extend soak', value },
    rollbackButton(value),
  ];
}

/**
 * [Promote early…] on a soaking stage's message: it opens a form asking why
 * (commands/modal-buttons.ts), which says what it skips and is itself the confirmation.
 */
export function promoteEarlyButtons(
  promptId: number,
  nextPercent: number | undefined,
  nextName: string,
): ButtonSpec[] {
  const to = nextPercent === undefined ? nextName : `${nextPercent}%`;
  return [
    { actionId: actionIds.skipSoak, text: `Promote early to ${to}…`.slice(0, 75), value: String(promptId) },
  ];
}

export function goNoGoButtons(promptId: number): ButtonSpec[] {
  const value = String(promptId);
  return [
    {
      actionId: actionIds.proceed,
      text: 'Proceed',
      value,
      style: 'primary',
      confirm: {
        title: 'Proceed with the rollout?',
        text: 'You confirm the go decision for this deployment.',
        confirm: 'Proceed',
        style: 'primary',
      },
    },
    rollbackButton(value),
  ];
}

export function declareButtons(promptId: number): ButtonSpec[] {
  const value = String(promptId);
  return [
    {
      actionId: actionIds.declareComplete,
      text: 'Declare complete',
      value,
      style: 'primary',
      confirm: {
        title: 'Declare the deployment complete?',
        text: 'This ends the deployment and frees the environment.',
        confirm: 'Declare complete',
        style: 'primary',
      },
    },
    rollbackButton(value),
  ];
}

export function restoreButtons(promptId: number, backupTakenAt: string): ButtonSpec[] {
  const value = String(promptId);
  return [
    {
      actionId: actionIds.confirmRestore,
      text: 'Restore database',
      value,
      style: 'danger',
      confirm: {
        title: 'Restore the database?',
        text: `The database goes back to the backup taken at ${backupTakenAt}. Every write since then will be LOST.`,
        confirm: 'Restore and lose data',
        style: 'danger',
      },
    },
    {
      actionId: actionIds.skipRestore,
      text: 'Keep the database',
      value,
      confirm: {
        title: 'Keep the migrated database?',
        text: 'The old version will run against the new schema.',
        confirm: 'Keep it',
      },
    },
  ];
}

export function retryRollbackButtons(promptId: number): ButtonSpec[] {
  return [{ actionId: actionIds.retryStep, text: 'Retry', value: String(promptId), style: 'primary' }];
}

export function heldButtons(promptId: number): ButtonSpec[] {
  const value = String(promptId);
  return [{ actionId: actionIds.resume, text: 'Resume', value, style: 'primary' }, rollbackButton(value)];
}

export { rollbackButton };

/**
 * Names the version a Roll back button returns to, on the button and in its confirm dialog, so
 * nobody has to guess at 2 a.m. Applied to a prompt when it is posted (announce/prompts.ts).
 */
export function nameRollbackTarget(message: Message, previousVersion: string | null): Message {
  if (!previousVersion) return message;
  const blocks = message.blocks.map((block) => {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) return block;
    const elements = (block.elements as Record<string, unknown>[]).map((element) => {
      if (element.action_id !== actionIds.rollback) return element;
      const confirm = element.confirm as Record<string, Record<string, unknown>> | undefined;
      return {
        ...element,
        text: { ...(element.text as object), text: `Roll back to ${previousVersion}`.slice(0, 75) },
        ...(confirm
          ? {
              confirm: {
                ...confirm,
                title: { ...confirm.title, text: `Roll back to ${previousVersion}?`.slice(0, 100) },
                text: {
                  ...confirm.text,
                  text: `Production goes back to ${previousVersion} and every pending timer is cancelled. A database restore, if needed, is asked for separately.`,
                },
              },
            }
          : {}),
      };
    });
    return { ...block, elements };
  });
  return { ...message, blocks };
}
