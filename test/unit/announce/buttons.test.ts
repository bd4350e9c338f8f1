import { describe, expect, it } from 'vitest';
import {
  declareButtons,
  goNoGoButtons,
  haltedStepButtons,
  heldButtons,
  promotionButtons,
  restoreButtons,
  retryRollbackButtons,
} from '../../../src/announce/buttons.js';
import { actionIds } from '../../../src/deploy/model/action-ids.js';
import { type DeploymentState, deploymentStates } from '../../../src/deploy/model/lifecycle.js';
import { actions, type ButtonSpec } from '../../../src/infra/slack/block-kit.js';
import {
  dangerous,
  expectBlockWithinLimits,
  expectButtonWithinLimits,
  type TextObject,
} from './blocks/fixtures.js';

/** Every button set the bot can show, for every state and both sides of "production touched". */
const buttonSets = (): [string, ButtonSpec[]][] => [
  ...deploymentStates.flatMap((state): [string, ButtonSpec[]][] => [
    [`halted step in ${state}, production untouched`, haltedStepButtons(state, 41, false)],
    [`halted step in ${state}, production touched`, haltedStepButtons(state, 41, true)],
  ]),
  ['promotion to 50%', promotionButtons(41, 50)],
  ['promotion to 100%', promotionButtons(41, 100)],
  ['go/no-go', goNoGoButtons(41)],
  ['declare', declareButtons(41)],
  ['restore', restoreButtons(41, 'Sun, Dec 6, 2026, 22:00 EST')],
  ['retry rollback', retryRollbackButtons(41)],
  ['held', heldButtons(41)],
];

describe('message builders', () => {
  describe('buttons', () => {
    it.each(buttonSets())(
      '%s: dangerous buttons carry a confirm dialog and fit the limits',
      (_name, buttons) => {
        const block = actions('prompt-41', buttons);
        for (const button of block.elements as Record<string, unknown>[]) {
          expectButtonWithinLimits(button);
          if (dangerous.includes(String(button.action_id))) {
            const confirm = button.confirm as Record<string, TextObject>;
            expect(confirm).toBeDefined();
            expect(confirm.title?.text).toMatch(/\?$/);
            expect(confirm.deny?.text).toBe('Cancel');
          }
        }
        for (const button of buttons) expect(button.value).toBe('41');
      },
    );

    it.each(deploymentStates)(
      'a halted step in %s only offers buttons its state allows',
      (state: DeploymentState) => {
        const offered = [...haltedStepButtons(state, 1, false), ...haltedStepButtons(state, 1, true)].map(
          (b) => b.actionId,
        );
        const allowedByAction: Record<string, string> = {
          [actionIds.retryStep]: 'retry',
          [actionIds.markDone]: 'mark_done',
          [actionIds.abort]: 'abort',
          [actionIds.rollback]: 'rollback',
        };
        for (const id of offered) {
          expect(haltedStepButtonsAllowed(state)).toContain(allowedByAction[id]);
        }
      },
    );

    it('a failed pre-deployment step offers retry and abort, never a rollback', () => {
      expect(haltedStepButtons('step_failed', 1, false).map((b) => b.actionId)).toEqual([
        actionIds.retryStep,
        actionIds.abort,
      ]);
    });

    it('once production changed, a failed step offers retry and roll back, never abort', () => {
      expect(haltedStepButtons('step_failed', 1, true).map((b) => b.actionId)).toEqual([
        actionIds.retryStep,
        actionIds.rollback,
      ]);
    });

    it('an interrupted step offers retry, mark done and abort or roll back', () => {
      expect(haltedStepButtons('step_interrupted', 1, false).map((b) => b.actionId)).toEqual([
        actionIds.retryStep,
        actionIds.markDone,
        actionIds.abort,
      ]);
      expect(haltedStepButtons('step_interrupted', 1, true).map((b) => b.actionId)).toEqual([
        actionIds.retryStep,
        actionIds.markDone,
        actionIds.rollback,
      ]);
    });

    it.each(['completed', 'aborted', 'rolled_back'] as const)(
      'a %s deployment shows no buttons at all',
      (state) => {
        expect(haltedStepButtons(state, 1, false)).toEqual([]);
        expect(haltedStepButtons(state, 1, true)).toEqual([]);
      },
    );

    it('the restore button warns that every write since the backup will be lost', () => {
      const restore = restoreButtons(9, '22:00 EST').find((b) => b.actionId === actionIds.confirmRestore);
      expect(restore?.style).toBe('danger');
      expect(restore?.confirm?.text).toContain('22:00 EST');
      expect(restore?.confirm?.text).toMatch(/since then will be LOST/);
      expect(restore?.confirm?.style).toBe('danger');
    });

    it('long confirm texts are cut to what Slack accepts rather than refused', () => {
      const block = actions('prompt-1', [
        {
          actionId: actionIds.rollback,
          text: 'Roll back',
          value: '1',
          confirm: {
            title: 't'.repeat(500),
            text: 'x'.repeat(5000),
            confirm: 'c'.repeat(100),
            deny: 'd'.repeat(100),
          },
        },
      ]);
      expectBlockWithinLimits(block);
    });
  });
});

function haltedStepButtonsAllowed(state: DeploymentState): string[] {
  // The lifecycle table, seen from the prompt's side: the events that a halted-step button maps to.
  const allowed: Record<DeploymentState, string[]> = {
    running: ['abort', 'rollback'],
    step_failed: ['retry', 'abort', 'rollback'],
    step_interrupted: ['retry', 'mark_done', 'abort', 'rollback'],
    soaking: ['rollback'],
    awaiting_promotion: ['rollback'],
    held: ['abort', 'rollback'],
    success_window: ['rollback'],
    rolling_back: [],
    awaiting_restore: [],
    restoring: [],
    rollback_failed: ['retry'],
    completed: [],
    aborted: [],
    rolled_back: [],
  };
  return allowed[state];
}
