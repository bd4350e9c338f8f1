import { actionIds } from '../../deploy/model/action-ids.js';
import type { Deployment } from '../../infra/db/deployments.js';
import type { StepRun } from '../../infra/db/step-runs.js';
import {
  actions,
  type Block,
  type ButtonSpec,
  codeBlock,
  context,
  type Message,
  plain,
  section,
} from '../../infra/slack/block-kit.js';
import { formatElapsed } from '../format.js';
import { stepStatusIcons } from './labels.js';

/** "Step 3/10" for the plan's own steps; traffic shifts and rollback steps are not counted among them. */
function label(step: StepRun, total: number): string {
  if (step.phase === 'rollout') return 'Traffic shift';
  if (step.phase === 'rollback') return 'Rollback step';
  return `Step ${step.position}/${total}`;
}

/**
 * A section with [Full output] beside it when the run printed anything: the button uploads the
 * whole output into the thread. An accessory, not an actions block, so a decided prompt keeps it.
 */
function withFullOutput(block: Block, step: StepRun): Block {
  if (!step.outputTail) return block;
  return {
    ...block,
    accessory: {
      type: 'button',
      action_id: actionIds.fullOutput,
      text: plain('Full output'),
      value: String(step.id),
    },
  };
}

export function stepStartedMessage(step: StepRun, total: number): Message {
  const text = `:large_blue_circle: ${label(step, total)} started: *${step.stepName}*${step.attempt > 1 ? ` (attempt ${step.attempt})` : ''}`;
  return { text, blocks: [section(text)] };
}

export function stepSucceededMessage(step: StepRun, total: number): Message {
  const took = formatElapsed(step.startedAt, step.finishedAt);
  const text = `${stepStatusIcons[step.status]} ${label(step, total)} done: *${step.stepName}* in ${took}${
    step.summary ? ` · ${step.summary}` : ''
  }`;
  return { text, blocks: [withFullOutput(section(text), step)] };
}

const finishedVerbs: Partial<Record<StepRun['status'], string>> = {
  failed: 'failed',
  timed_out: 'timed out',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  marked_done: 'marked done',
};

/**
 * The step's one thread line once it has finished (its "started" line, edited): done with its
 * summary, or how it ended; a failure's output and buttons follow in their own message.
 */
export function stepFinishedMessage(step: StepRun, total: number): Message {
  if (step.status === 'succeeded') return stepSucceededMessage(step, total);
  const verb = finishedVerbs[step.status] ?? step.status;
  const took =
    step.startedAt && step.finishedAt ? ` after ${formatElapsed(step.startedAt, step.finishedAt)}` : '';
  const text = `${stepStatusIcons[step.status]} ${label(step, total)} ${verb}: *${step.stepName}*${took}${
    step.summary ? ` · ${step.summary}` : ''
  }`;
  return { text, blocks: [withFullOutput(section(text), step)] };
}

/** The dedupe key of a step run's thread line, so that its outcome edits it. */
export function stepLineKey(stepRunId: number): string {
  return `step-line:${stepRunId}`;
}

/** A failed step: what failed, the end of its output, and only the buttons valid now. */
export function stepFailedMessage(input: {
  deployment: Deployment;
  step: StepRun;
  total: number;
  buttons: ButtonSpec[];
  promptId: number;
}): Message {
  const { step, total } = input;
  const text = `${stepStatusIcons[step.status]} ${label(step, total)} failed: *${step.stepName}*: ${
    step.summary ?? 'failed'
  }. The deployment is halted; no later step will run.`;
  return {
    text,
    blocks: [
      section(text),
      ...(step.outputTail
        ? [withFullOutput(section(`*Output (last lines)*\n${codeBlock(step.outputTail)}`), step)]
        : []),
      ...(input.buttons.length > 0 ? [actions(`prompt-${input.promptId}`, input.buttons)] : []),
    ],
  };
}

export function stepInterruptedMessage(input: {
  step: StepRun;
  total: number;
  buttons: ButtonSpec[];
  promptId: number;
}): Message {
  const text = `:warning: ${label(input.step, input.total)} *${input.step.stepName}* was interrupted: the worker running it stopped. It has not been re-run. Check its effects, then retry it, mark it done, or roll back.`;
  return {
    text,
    blocks: [section(text), actions(`prompt-${input.promptId}`, input.buttons)],
  };
}

/** A prompt after someone decided: who, what and when, and no buttons. */
export function decidedMessage(original: Message, decision: string): Message {
  // Link buttons stay: the dashboards are still useful after the decision.
  const kept = original.blocks.filter((block) => block.type !== 'actions' || block.block_id === 'links');
  return { text: `${original.text} ${decision}`, blocks: [...kept, context(decision)] };
}
