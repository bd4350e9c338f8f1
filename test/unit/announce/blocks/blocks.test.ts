import { describe, expect, it } from 'vitest';
import { rolesMessage } from '../../../../src/announce/blocks/roles-message.js';
import {
  declarePrompt,
  goNoGoPrompt,
  heldPrompt,
  note,
  pageMessage,
  promotionPrompt,
  restorePrompt,
  rollbackFailedPrompt,
  stageLiveMessage,
} from '../../../../src/announce/blocks/rollout-messages.js';
import { rootMessage } from '../../../../src/announce/blocks/root-message.js';
import { noDeploymentMessage, statusMessage } from '../../../../src/announce/blocks/status-message.js';
import {
  decidedMessage,
  stepFailedMessage,
  stepInterruptedMessage,
  stepStartedMessage,
  stepSucceededMessage,
} from '../../../../src/announce/blocks/step-messages.js';
import {
  declareButtons,
  goNoGoButtons,
  haltedStepButtons,
  heldButtons,
  promotionButtons,
  restoreButtons,
  retryRollbackButtons,
} from '../../../../src/announce/buttons.js';
import { actionIds } from '../../../../src/deploy/model/action-ids.js';
import { type DeploymentState, deploymentStates } from '../../../../src/deploy/model/lifecycle.js';
import type { Deployment } from '../../../../src/infra/db/deployments.js';
import type { StepRun } from '../../../../src/infra/db/step-runs.js';
import {
  actions,
  type Block,
  type ButtonSpec,
  codeBlock,
  type Message,
} from '../../../../src/infra/slack/block-kit.js';
import { loadPlan } from '../../../../src/plan/load-plan.js';

const plan = loadPlan('templates/plans/medplum-v4.yaml');
const [canary, expanded, full] = plan.stages as [
  (typeof plan.stages)[0],
  (typeof plan.stages)[0],
  (typeof plan.stages)[0],
];
const timeZone = plan.timezone;
const t0 = new Date('2026-12-06T03:00:00.000Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const now = at(3 * 3600);

function deployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 7,
    environment: 'production',
    version: 'v4.0.0',
    previousVersion: 'v3.9.0',
    state: 'running',
    stageIndex: null,
    currentPercent: 0,
    stageStartedAt: null,
    heldFrom: null,
    startedBy: 'ULEAD',
    channelId: 'C_DEPLOY',
    rootTs: '1700000000.000100',
    backupFile: '/var/backups/stagecoach/deployment-7.dump',
    schemaChanged: false,
    dryRun: false,
    planName: plan.name,
    revision: 3,
    createdAt: t0,
    updatedAt: t0,
    endedAt: null,
    ...overrides,
  };
}

function stepRun(index: number, overrides: Partial<StepRun> = {}): StepRun {
  const step = plan.steps[index] as (typeof plan.steps)[number];
  return {
    id: index + 1,
    deploymentId: 7,
    stepId: step.id,
    stepName: step.name,
    phase: step.phase,
    position: index + 1,
    attempt: 1,
    status: 'pending',
    exitCode: null,
    summary: null,
    outputTail: null,
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

/** The plan's steps part-way through: two done, one running, the rest pending. */
const midwaySteps = (): StepRun[] =>
  plan.steps.map((_, index) => {
    if (index === 0)
      return stepRun(0, {
        status: 'succeeded',
        startedAt: at(0),
        finishedAt: at(95),
        exitCode: 0,
        summary: 'exit code 0',
      });
    if (index === 1)
      return stepRun(1, { status: 'succeeded', startedAt: at(95), finishedAt: at(95 + 3600 + 120) });
    if (index === 2) return stepRun(2, { status: 'running', startedAt: at(4000) });
    return stepRun(index);
  });

// Slack's documented limits (api.slack.com/reference/block-kit).
function expectWithinSlackLimits(message: Message): void {
  expect(typeof message.text).toBe('string');
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) expectBlockWithinLimits(block);
}

type TextObject = { type: string; text: string };

function expectBlockWithinLimits(block: Block): void {
  switch (block.type) {
    case 'header': {
      const text = block.text as TextObject;
      expect(text.type).toBe('plain_text');
      expect(text.text.length).toBeGreaterThan(0);
      expect(text.text.length).toBeLessThanOrEqual(150);
      break;
    }
    case 'section': {
      const text = block.text as TextObject | undefined;
      const fields = block.fields as TextObject[] | undefined;
      expect(text !== undefined || fields !== undefined).toBe(true);
      if (text) {
        expect(text.text.length).toBeGreaterThan(0);
        expect(text.text.length).toBeLessThanOrEqual(3000);
      }
      if (fields) {
        expect(fields.length).toBeLessThanOrEqual(10);
        for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(2000);
      }
      break;
    }
    case 'context': {
      const elements = block.elements as TextObject[];
      expect(elements.length).toBeGreaterThan(0);
      expect(elements.length).toBeLessThanOrEqual(10);
      for (const element of elements) expect(element.text.length).toBeLessThanOrEqual(3000);
      break;
    }
    case 'actions': {
      expect(String(block.block_id).length).toBeLessThanOrEqual(255);
      const elements = block.elements as Record<string, unknown>[];
      expect(elements.length).toBeGreaterThan(0);
      expect(elements.length).toBeLessThanOrEqual(25);
      for (const button of elements) expectButtonWithinLimits(button);
      break;
    }
    case 'divider':
      break;
    default:
      throw new Error(`unexpected block type ${String(block.type)}`);
  }
}

function expectButtonWithinLimits(button: Record<string, unknown>): void {
  expect(button.type).toBe('button');
  expect((button.text as TextObject).type).toBe('plain_text');
  expect((button.text as TextObject).text.length).toBeLessThanOrEqual(75);
  expect(String(button.action_id).length).toBeLessThanOrEqual(255);
  expect(String(button.value).length).toBeLessThanOrEqual(2000);
  const confirm = button.confirm as Record<string, TextObject> | undefined;
  if (confirm) {
    expect(confirm.title?.text.length).toBeLessThanOrEqual(100);
    expect(confirm.text?.text.length).toBeLessThanOrEqual(300);
    expect(confirm.confirm?.text.length).toBeLessThanOrEqual(30);
    expect(confirm.deny?.text.length).toBeLessThanOrEqual(30);
  }
}

const dangerous: string[] = [
  actionIds.rollback,
  actionIds.confirmRestore,
  actionIds.abort,
  actionIds.promote,
  actionIds.skipSoak,
];

const buttonsOf = (message: Message) =>
  message.blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements as Record<string, unknown>[]);

function expectDangerousButtonsConfirmed(message: Message): void {
  for (const button of buttonsOf(message)) {
    if (dangerous.includes(String(button.action_id))) {
      expect(button.confirm, `${String(button.action_id)} needs a confirm dialog`).toBeDefined();
    }
  }
}

const allText = (message: Message) => JSON.stringify(message.blocks);

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

/** One instance of every message builder, with realistic input. */
function everyMessage(): [string, Message][] {
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
      'root',
      rootMessage({
        deployment: deployment(),
        steps: midwaySteps(),
        application: plan.application,
        timeZone,
        now,
      }),
    ],
    [
      'status',
      statusMessage({
        deployment: deployment(),
        steps: midwaySteps(),
        application: plan.application,
        timeZone,
        now,
      }),
    ],
    ['no deployment', noDeploymentMessage()],
    ['no deployment of staging', noDeploymentMessage('staging')],
    ['roles', rolesMessage(plan, new Map([['deployment_lead', ['ULEAD']]]))],
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
  ];
}

describe('message builders', () => {
  describe.each(everyMessage())('the %s message', (_name, message) => {
    it('has a text fallback for notifications and screen readers', () => {
      expect(message.text.trim()).not.toBe('');
      expect(message.text).not.toMatch(/undefined|null|\[object Object\]|NaN/);
    });

    it('fits every Slack Block Kit limit', () => {
      expectWithinSlackLimits(message);
    });

    it('asks for confirmation before any dangerous click', () => {
      expectDangerousButtonsConfirmed(message);
    });

    it('never shows undefined, null or NaN to a person', () => {
      expect(allText(message)).not.toMatch(/undefined|\bnull\b|\[object Object\]|NaN/);
    });
  });

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

  describe('the root message', () => {
    it('names the application, version, environment, state, traffic and who started it', () => {
      const message = rootMessage({
        deployment: deployment({ state: 'soaking', currentPercent: 10 }),
        steps: midwaySteps(),
        application: plan.application,
        timeZone,
        now,
      });
      expect(message.text).toBe('Medplum EHR v4.0.0 → production: Soaking');
      const text = allText(message);
      expect(text).toContain('Deployment #7: Medplum EHR v4.0.0 → production');
      expect(text).toContain('10%');
      expect(text).toContain('<@ULEAD>');
      expect(text).toContain('v3.9.0');
    });

    it('lists the steps with how long the finished ones took', () => {
      const text = allText(
        rootMessage({
          deployment: deployment(),
          steps: midwaySteps(),
          application: plan.application,
          timeZone,
          now,
        }),
      );
      expect(text).toContain(`${plan.steps[0]?.name} (1m 35s)`);
      expect(text).toContain(`${plan.steps[1]?.name} (1h 2m)`);
    });

    it('marks a dry run', () => {
      const message = rootMessage({
        deployment: deployment({ dryRun: true }),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(message.text).toContain('(dry run)');
      expectWithinSlackLimits(message);
    });

    it('stays within the header and section limits with a huge plan and long names', () => {
      const steps = Array.from({ length: 300 }, (_, index) =>
        stepRun(index % plan.steps.length, {
          id: index + 1,
          position: index + 1,
          stepName: `step ${index} ${'x'.repeat(200)}`,
          status: 'succeeded',
          startedAt: at(0),
          finishedAt: at(5),
        }),
      );
      const message = rootMessage({
        deployment: deployment({ version: `v4.0.0-${'rc.'.repeat(80)}1` }),
        steps,
        application: 'A'.repeat(400),
        timeZone,
        now,
      });
      expectWithinSlackLimits(message);
    });
  });

  describe('the status message', () => {
    const status = () =>
      statusMessage({
        deployment: deployment({ state: 'step_failed' }),
        steps: [
          stepRun(0, { status: 'failed', startedAt: at(0), finishedAt: at(12), summary: 'exit code 1' }),
          stepRun(1),
        ],
        application: plan.application,
        timeZone,
        now,
      });

    it('shows the state, every step with its duration and outcome, and who started it', () => {
      const message = status();
      const text = allText(message);
      expect(message.text).toContain('#7 Medplum EHR v4.0.0 → production');
      expect(message.text).toContain('Halted: a step failed');
      expect(text).toContain(`*${plan.steps[0]?.name}*: failed · 12s · exit code 1`);
      expect(text).toContain(`*${plan.steps[1]?.name}*: pending`);
      expect(text).toContain('<@ULEAD>');
      expect(text).toContain('deployment-7.dump');
      expect(text).not.toContain('/var/backups');
    });

    it('counts a running step up to now', () => {
      const message = statusMessage({
        deployment: deployment(),
        steps: [stepRun(0, { status: 'running', startedAt: at(3 * 3600 - 90) })],
        application: plan.application,
        timeZone,
        now,
      });
      expect(allText(message)).toContain('running · 1m 30s');
    });

    it('says when a deployment has no steps yet', () => {
      const message = statusMessage({
        deployment: deployment(),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(allText(message)).toContain('No steps yet.');
    });

    it('says a dry run executes nothing', () => {
      const message = statusMessage({
        deployment: deployment({ dryRun: true }),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(allText(message)).toContain('Dry run: commands are listed, not executed.');
    });

    it('fits Slack limits with a long version and many long step summaries', () => {
      const steps = Array.from({ length: 100 }, (_, index) =>
        stepRun(0, {
          id: index,
          stepName: 'y'.repeat(300),
          status: 'failed',
          summary: 'z'.repeat(500),
          startedAt: at(0),
          finishedAt: at(1),
        }),
      );
      expectWithinSlackLimits(
        statusMessage({
          deployment: deployment({ version: `v1.0.0-${'a'.repeat(400)}` }),
          steps,
          application: plan.application,
          timeZone,
          now,
        }),
      );
    });

    it.each(deploymentStates)('has a label for the %s state', (state) => {
      const message = statusMessage({
        deployment: deployment({ state }),
        steps: [],
        application: plan.application,
        timeZone,
        now,
      });
      expect(message.text).not.toContain('undefined');
      expectWithinSlackLimits(message);
    });
  });

  describe('the roles message', () => {
    it('lists every role of the plan with who holds it, unassigned ones marked', () => {
      const message = rolesMessage(
        plan,
        new Map([
          ['deployment_lead', ['ULEAD', 'UNEW']],
          ['project_lead', ['UPROJECT']],
        ]),
      );
      const text = allText(message);
      for (const role of plan.roles) expect(text).toContain(`*${role.name}* (\`${role.id}\`)`);
      expect(text).toContain('*Deployment Lead* (`deployment_lead`): <@ULEAD>, <@UNEW>');
      expect(text).toContain('*Database Admin* (`database_admin`): _unassigned_');
      expect(message.text).toContain('Deployment Lead: 2');
      expect(message.text).toContain('QA Lead: unassigned');
      expectWithinSlackLimits(message);
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

  describe('rollout messages', () => {
    it('a live stage says its percentage, its soak and what to watch', () => {
      const message = stageLiveMessage({ stage: canary, soakUntil: at(24 * 3600), timeZone });
      expect(message.text).toContain('*10%*');
      expect(message.text).toContain('24h');
      expect(allText(message)).toContain('API response times');
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
