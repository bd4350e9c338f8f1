import { describe, expect, it } from 'vitest';
import { actionIds } from '../../../../src/deploy/model/action-ids.js';
import type { Deployment } from '../../../../src/infra/db/deployments.js';
import type { StepRun } from '../../../../src/infra/db/step-runs.js';
import type { Block, Message } from '../../../../src/infra/slack/block-kit.js';
import { loadPlan } from '../../../../src/plan/load-plan.js';

// Shared by the Block Kit builder tests: the Medplum plan, a deployment and its steps, Slack's limits.
export const plan = loadPlan('templates/plans/medplum-v4.yaml');
export const [canary, expanded, full] = plan.stages as [
  (typeof plan.stages)[0],
  (typeof plan.stages)[0],
  (typeof plan.stages)[0],
];
export const timeZone = plan.timezone;
const t0 = new Date('2026-12-06T03:00:00.000Z');
export const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
export const now = at(3 * 3600);

export function deployment(overrides: Partial<Deployment> = {}): Deployment {
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
    variables: {},
    revision: 3,
    createdAt: t0,
    updatedAt: t0,
    endedAt: null,
    ...overrides,
  };
}

export function stepRun(index: number, overrides: Partial<StepRun> = {}): StepRun {
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
    claimToken: null,
    owner: null,
    heartbeatAt: null,
    ...overrides,
  };
}

/** The plan's steps part-way through: two done, one running, the rest pending. */
export const midwaySteps = (): StepRun[] =>
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
export function expectWithinSlackLimits(message: Message): void {
  expect(typeof message.text).toBe('string');
  expect(message.text.trim().length).toBeGreaterThan(0);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks) expectBlockWithinLimits(block);
}

export type TextObject = { type: string; text: string };

export function expectBlockWithinLimits(block: Block): void {
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

export function expectButtonWithinLimits(button: Record<string, unknown>): void {
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

// [Roll back] and [Promote early…] are confirmed by their modal instead, which asks why and says
// what happens (test/integration/monitoring.test.ts and early-promotion-modal.test.ts submit them;
// the buttons test checks they open one).
export const dangerous: string[] = [actionIds.confirmRestore, actionIds.abort, actionIds.promote];

export const buttonsOf = (message: Message) =>
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

export const allText = (message: Message) => JSON.stringify(message.blocks);

/**
 * The checks every message passes, for each of `messages` (one per builder call, with realistic
 * input): `the <name> message` under the caller's describe.
 */
export function describeEveryMessage(messages: [string, Message][]): void {
  describe.each(messages)('the %s message', (_name, message) => {
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
}
