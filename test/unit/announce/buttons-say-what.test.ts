import { describe, expect, it } from 'vitest';
import { rollbackModal } from '../../../src/announce/blocks/modals.js';
import {
  goNoGoButtons,
  nameRollbackTarget,
  promoteEarlyButtons,
  promotionButtons,
} from '../../../src/announce/buttons.js';
import { actions, section } from '../../../src/infra/slack/block-kit.js';

type Element = {
  action_id: string;
  text: { text: string };
  confirm?: { title: { text: string }; text: { text: string } };
};
const elementsOf = (message: { blocks: Record<string, unknown>[] }) =>
  message.blocks.flatMap((block) => (block.elements as Element[] | undefined) ?? []);

describe('buttons say what they do (issue #16)', () => {
  it('Roll back names the version it returns to, on the button and in the form it opens', () => {
    const prompt = { text: 'Go/no-go', blocks: [section('Go/no-go'), actions('prompt-7', goNoGoButtons(7))] };
    const named = elementsOf(nameRollbackTarget(prompt, 'v3.9.0'));
    const rollback = named.find((e) => e.action_id === 'deploy_rollback');
    expect(rollback?.text.text).toBe('Roll back to v3.9.0');
    const form = rollbackModal({ promptId: 7, deploymentId: 1 }, '#1 (v4.0.0 → production)', 'v3.9.0');
    expect(form.title).toMatchObject({ text: 'Roll back to v3.9.0' });
    expect(JSON.stringify(form.blocks)).toContain('Production goes back to *v3.9.0*');
    // The other buttons are untouched.
    expect(named.find((e) => e.action_id === 'gonogo_proceed')?.text.text).toBe('Proceed');
  });

  it('without a known previous version the button keeps its plain label', () => {
    const prompt = { text: 'x', blocks: [actions('prompt-7', goNoGoButtons(7))] };
    expect(
      elementsOf(nameRollbackTarget(prompt, null)).find((e) => e.action_id === 'deploy_rollback')?.text.text,
    ).toBe('Roll back');
  });

  it('Extend soak says by how much', () => {
    const buttons = promotionButtons(3, 50, 'Stage 2', '12h');
    expect(buttons.find((b) => b.actionId === 'stage_extend_soak')?.text).toBe('Extend soak by 12h');
  });
});

describe('[Roll back] is confirmed by its form, not a dialog before it', () => {
  it('has no confirm dialog (the modal is the confirmation) and opens the rollback modal', async () => {
    const { modalButtons, modalIds } = await import('../../../src/deploy/actions/modal-forms.js');
    const rollback = goNoGoButtons(3).find((b) => b.actionId === 'deploy_rollback');
    expect(rollback?.confirm).toBeUndefined();
    expect(modalButtons.deploy_rollback).toBe(modalIds.rollback);
  });
});

describe('[Promote early…] on a soaking stage', () => {
  it('names where it promotes to, ends with … because a form follows, and opens the early-promotion modal', async () => {
    const { modalButtons, modalIds } = await import('../../../src/deploy/actions/modal-forms.js');
    const [button] = promoteEarlyButtons(9, 50, 'Stage 2: Expanded');
    expect(button).toMatchObject({ actionId: 'stage_skip_soak', text: 'Promote early to 50%…', value: '9' });
    expect(button?.confirm).toBeUndefined();
    expect(modalButtons.stage_skip_soak).toBe(modalIds.promoteEarly);
    expect(promoteEarlyButtons(9, undefined, 'Stage 2: Expanded')[0]?.text).toBe(
      'Promote early to Stage 2: Expanded…',
    );
  });
});
