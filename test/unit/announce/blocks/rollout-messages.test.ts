import { describe, expect, it } from 'vitest';
import {
  declarePrompt,
  goNoGoPrompt,
  heldPrompt,
  note,
  pageMessage,
  promotionPrompt,
  restorePrompt,
  rollbackFailedPrompt,
  soakGoesOnMessage,
  stageLiveMessage,
} from '../../../../src/announce/blocks/rollout-messages.js';
import {
  declareButtons,
  goNoGoButtons,
  heldButtons,
  promoteEarlyButtons,
  promotionButtons,
  restoreButtons,
  retryRollbackButtons,
} from '../../../../src/announce/buttons.js';
import { actionIds } from '../../../../src/deploy/model/action-ids.js';
import type { Message } from '../../../../src/infra/slack/block-kit.js';
import {
  allText,
  at,
  buttonsOf,
  canary,
  describeEveryMessage,
  expanded,
  full,
  type TextObject,
  timeZone,
} from './fixtures.js';

/** One message of each kind this file's builders make, for the checks every message passes. */
function rolloutMessages(): [string, Message][] {
  return [
    ['stage live', stageLiveMessage({ stage: canary, soakUntil: at(24 * 3600), timeZone })],
    [
      'promotion',
      promotionPrompt({
        stage: canary,
        next: expanded,
        approvers: 'Deployment Lead',
        promptId: 43,
        buttons: promotionButtons(43, 50),
      }),
    ],
    [
      'go/no-go',
      goNoGoPrompt({
        deadline: at(7200),
        timeZone,
        policy: 'hold and page the leads',
        promptId: 44,
        buttons: goNoGoButtons(44),
      }),
    ],
    ['declare', declarePrompt({ promptId: 45, approvers: 'Project Lead', buttons: declareButtons(45) })],
    [
      'restore',
      restorePrompt({
        backupTakenAt: '22:00 EST',
        promptId: 46,
        approvers: 'Database Admin or Deployment Lead',
        buttons: restoreButtons(46, '22:00 EST'),
      }),
    ],
    ['held', heldPrompt({ reason: 'go/no-go deadline passed', promptId: 47, buttons: heldButtons(47) })],
    [
      'rollback failed',
      rollbackFailedPrompt({
        step: 'Revert frontend',
        summary: 'exit code 2',
        promptId: 48,
        buttons: retryRollbackButtons(48),
      }),
    ],
    [
      'page',
      pageMessage(['ULEAD', 'UPROJECT'], 'Deployment Lead or Project Lead', 'the go/no-go deadline passed'),
    ],
    ['page with no one to page', pageMessage([], 'Project Lead', 'the go/no-go deadline passed')],
    ['note', note('Soak extended by 12h.')],
    ['stage 3 live', stageLiveMessage({ stage: full, soakUntil: at(0), timeZone })],
    [
      'soaking stage offering early promotion',
      stageLiveMessage({
        stage: canary,
        soakUntil: at(24 * 3600),
        timeZone,
        promptId: 49,
        buttons: promoteEarlyButtons(49, 50, expanded.name),
      }),
    ],
    [
      'soak goes on',
      soakGoesOnMessage({
        text: ':hourglass: <@ULEAD> extended the Stage 1: Canary soak by 12h.',
        promptId: 50,
        buttons: promoteEarlyButtons(50, 50, expanded.name),
      }),
    ],
  ];
}

describe('message builders', () => {
  describeEveryMessage(rolloutMessages());

  describe('the restore prompt', () => {
    const message = restorePrompt({
      backupTakenAt: '22:00 EST',
      promptId: 46,
      approvers: 'Database Admin or Deployment Lead',
      buttons: restoreButtons(46, '22:00 EST'),
    });

    it('says data written since the backup will be lost, even in the notification text', () => {
      expect(message.text).toMatch(/Data written since then will be lost/);
      expect(message.text).toContain('22:00 EST');
      expect(allText(message)).toMatch(/Data written since then will be lost/);
    });

    it('offers restoring and keeping the database, the restore behind a confirm dialog', () => {
      expect(buttonsOf(message).map((b) => b.action_id)).toEqual([
        actionIds.confirmRestore,
        actionIds.skipRestore,
      ]);
      const restore = buttonsOf(message)[0] as { confirm?: { text: TextObject } };
      expect(restore.confirm?.text.text).toMatch(/LOST/);
    });

    it('names who may confirm it', () => {
      expect(allText(message)).toContain('Database Admin or Deployment Lead');
    });
  });

  describe('rollout messages', () => {
    it('a live stage says its percentage, its soak and what to watch', () => {
      const message = stageLiveMessage({ stage: canary, soakUntil: at(24 * 3600), timeZone });
      expect(message.text).toContain('*10%*');
      expect(message.text).toContain('24h');
      expect(allText(message)).toContain('API response times');
      expect(buttonsOf(message)).toEqual([]);
    });

    it('a soaking stage offers one way to cut the soak short, below what to watch', () => {
      const message = stageLiveMessage({
        stage: canary,
        soakUntil: at(24 * 3600),
        timeZone,
        promptId: 49,
        buttons: promoteEarlyButtons(49, 50, expanded.name),
      });
      expect(message.blocks.map((block) => block.type)).toEqual(['section', 'context', 'actions']);
      expect(buttonsOf(message)).toMatchObject([{ action_id: actionIds.skipSoak, value: '49' }]);
    });

    it('a promotion prompt names the next percentage and the approvers', () => {
      const message = promotionPrompt({
        stage: canary,
        next: expanded,
        approvers: 'Deployment Lead',
        promptId: 43,
        buttons: promotionButtons(43, 50),
      });
      expect(message.text).toMatch(/Promote to \*50%\*/);
      expect(buttonsOf(message).map((b) => b.action_id)).toEqual([
        actionIds.promote,
        actionIds.extendSoak,
        actionIds.rollback,
      ]);
      expect(allText(message)).toContain('Approvers: Deployment Lead');
    });

    it('a page with no one holding the role says how to assign it', () => {
      expect(pageMessage([], 'Project Lead', 'deadline passed').text).toContain('no one holds Project Lead');
    });
  });
});
