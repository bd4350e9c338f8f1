import { describe, expect, it } from 'vitest';
import { promotionPrompt } from '../../../../src/announce/blocks/rollout-messages.js';
import {
  decidedMessage,
  stepFailedMessage,
  stepInterruptedMessage,
  stepStartedMessage,
  stepSucceededMessage,
} from '../../../../src/announce/blocks/step-messages.js';
import { haltedStepButtons, promotionButtons } from '../../../../src/announce/buttons.js';
import { codeBlock, type Message } from '../../../../src/infra/slack/block-kit.js';
import {
  allText,
  at,
  buttonsOf,
  canary,
  deployment,
  describeEveryMessage,
  expanded,
  expectWithinSlackLimits,
  plan,
  stepRun,
} from './fixtures.js';

/** One message of each kind this file's builders make, for the checks every message passes. */
function stepMessages(): [string, Message][] {
  const failed = stepRun(0, {
    status: 'failed',
    startedAt: at(0),
    finishedAt: at(12),
    exitCode: 1,
    summary: 'exit code 1',
    outputTail: 'FAIL patient-search.spec.ts\n  expected 200, got 500\n',
  });
  return [
    [
      'step started',
      stepStartedMessage(stepRun(2, { status: 'running', startedAt: at(10), attempt: 2 }), plan.steps.length),
    ],
    [
      'step succeeded',
      stepSucceededMessage(
        stepRun(1, { status: 'succeeded', startedAt: at(0), finishedAt: at(61), summary: 'backup written' }),
        plan.steps.length,
      ),
    ],
    [
      'step failed',
      stepFailedMessage({
        deployment: deployment({ state: 'step_failed' }),
        step: failed,
        total: plan.steps.length,
        buttons: haltedStepButtons('step_failed', 41, false),
        promptId: 41,
      }),
    ],
    [
      'step interrupted',
      stepInterruptedMessage({
        step: stepRun(3, { status: 'interrupted', startedAt: at(0) }),
        total: plan.steps.length,
        buttons: haltedStepButtons('step_interrupted', 42, true),
        promptId: 42,
      }),
    ],
  ];
}

describe('message builders', () => {
  describeEveryMessage(stepMessages());

  describe('decided prompts', () => {
    const prompt = promotionPrompt({
      stage: canary,
      next: expanded,
      approvers: 'Deployment Lead',
      promptId: 43,
      buttons: promotionButtons(43, 50),
    });
    const decided = decidedMessage(prompt, ':ballot_box_with_check: Promoted by <@ULEAD> at 04:31 EST');

    it('lose their buttons', () => {
      expect(prompt.blocks.some((b) => b.type === 'actions')).toBe(true);
      expect(decided.blocks.some((b) => b.type === 'actions')).toBe(false);
    });

    it('say who decided, in the blocks and in the notification text', () => {
      expect(decided.text).toContain('Promoted by <@ULEAD> at 04:31 EST');
      expect(allText(decided)).toContain('Promoted by <@ULEAD> at 04:31 EST');
    });

    it('keep what was asked', () => {
      expect(decided.text).toContain(prompt.text);
      expect(decided.blocks[0]).toEqual(prompt.blocks[0]);
      expectWithinSlackLimits(decided);
    });

    it('a failed step prompt keeps its output but loses its buttons once aborted', () => {
      const failed = stepFailedMessage({
        deployment: deployment({ state: 'step_failed' }),
        step: stepRun(0, {
          status: 'failed',
          startedAt: at(0),
          finishedAt: at(3),
          summary: 'exit code 1',
          outputTail: 'boom',
        }),
        total: plan.steps.length,
        buttons: haltedStepButtons('step_failed', 5, false),
        promptId: 5,
      });
      const aborted = decidedMessage(failed, 'Aborted by <@ULEAD> at 04:31 EST');
      expect(buttonsOf(aborted)).toEqual([]);
      expect(allText(aborted)).toContain('boom');
      expect(aborted.text).toContain('Aborted by <@ULEAD>');
    });
  });

  describe('step messages', () => {
    it('a failed step shows the end of its output in a code block that fits a section', () => {
      const output = `${'line of noise\n'.repeat(1000)}FATAL: the real error\n`;
      const message = stepFailedMessage({
        deployment: deployment({ state: 'step_failed' }),
        step: stepRun(0, {
          status: 'failed',
          startedAt: at(0),
          finishedAt: at(3),
          summary: 'exit code 1',
          outputTail: output,
        }),
        total: plan.steps.length,
        buttons: haltedStepButtons('step_failed', 5, false),
        promptId: 5,
      });
      expectWithinSlackLimits(message);
      expect(allText(message)).toContain('FATAL: the real error');
      expect(message.text).toMatch(/halted; no later step will run/);
    });

    it('output containing ``` cannot close the code block early', () => {
      const block = codeBlock('before ``` after');
      expect(block.match(/```/g)).toHaveLength(2);
    });

    it('a failed step with no buttons left shows none', () => {
      const message = stepFailedMessage({
        deployment: deployment({ state: 'aborted' }),
        step: stepRun(0, { status: 'failed' }),
        total: 3,
        buttons: [],
        promptId: 5,
      });
      expect(buttonsOf(message)).toEqual([]);
    });

    it('a step that printed something offers [Full output] beside its line, and a decided failure keeps it', () => {
      const succeeded = stepSucceededMessage(
        stepRun(1, { id: 12, status: 'succeeded', startedAt: at(0), finishedAt: at(5), outputTail: 'ok' }),
        9,
      );
      expect(succeeded.blocks[0]?.accessory).toMatchObject({ action_id: 'step_full_output', value: '12' });
      const silent = stepSucceededMessage(
        stepRun(1, { status: 'succeeded', startedAt: at(0), finishedAt: at(5) }),
        9,
      );
      expect(silent.blocks[0]?.accessory).toBeUndefined();
      const failed = stepFailedMessage({
        deployment: deployment({ state: 'step_failed' }),
        step: stepRun(0, { id: 13, status: 'failed', summary: 'exit code 1', outputTail: 'boom' }),
        total: plan.steps.length,
        buttons: haltedStepButtons('step_failed', 5, false),
        promptId: 5,
      });
      const aborted = decidedMessage(failed, 'Aborted by <@ULEAD> at 04:31 EST');
      expect(aborted.blocks.find((block) => block.accessory)?.accessory).toMatchObject({
        action_id: 'step_full_output',
        value: '13',
      });
    });

    it('a retried step says which attempt it is', () => {
      expect(stepStartedMessage(stepRun(0, { attempt: 3, status: 'running' }), 9).text).toContain(
        '(attempt 3)',
      );
    });

    it('a successful step says how long it took', () => {
      expect(
        stepSucceededMessage(stepRun(0, { status: 'succeeded', startedAt: at(0), finishedAt: at(125) }), 9)
          .text,
      ).toContain('in 2m 5s');
    });
  });
});
