import { actions, type ButtonSpec, context, type Message, section } from '../../infra/slack/block-kit.js';
import { formatDuration } from '../../plan/duration.js';
import type { Plan } from '../../plan/schema.js';
import { mention, slackTime } from '../format.js';
import { stagePercent, type TrafficMode } from './labels.js';

type Stage = Plan['stages'][number];

const withButtons = (text: string, blockId: string, buttons: ButtonSpec[], note?: string): Message => ({
  text,
  blocks: [
    section(text),
    ...(note ? [context(note)] : []),
    ...(buttons.length > 0 ? [actions(blockId, buttons)] : []),
  ],
});

/** With `promptId` and `buttons`, the message is the soaking stage's prompt ([Promote early…]). */
export function stageLiveMessage(input: {
  stage: Stage;
  soakUntil: Date;
  timeZone: string;
  traffic?: TrafficMode;
  promptId?: number;
  buttons?: ButtonSpec[];
}): Message {
  const { stage } = input;
  const live = input.traffic === 'none' ? 'is live (no traffic control)' : `is live at *${stage.percent}%*`;
  const text = `:hourglass_flowing_sand: *${stage.name}* ${live}. Soaking ${formatDuration(stage.minSoak)} until ${slackTime(input.soakUntil, input.timeZone)}.`;
  const focus = stage.monitoringFocus.length > 0 ? `Watch: ${stage.monitoringFocus.join(' · ')}` : undefined;
  return withButtons(text, `prompt-${input.promptId ?? 0}`, input.buttons ?? [], focus);
}

/** A soak that goes on (extended, or resumed after a hold): with the soaking stage's buttons. */
export function soakGoesOnMessage(input: {
  text: string;
  promptId?: number;
  buttons?: ButtonSpec[];
}): Message {
  return withButtons(input.text, `prompt-${input.promptId ?? 0}`, input.buttons ?? []);
}

export function promotionPrompt(input: {
  stage: Stage;
  next: Stage;
  approvers: string;
  promptId: number;
  buttons: ButtonSpec[];
  traffic?: TrafficMode;
  /** What this stage showed: check-ins, alerts, open issues, so the approver decides on facts. */
  evidence?: string;
}): Message {
  const to =
    input.traffic === 'none' ? `*${input.next.name}*` : `*${input.next.percent}%* (${input.next.name})`;
  const text = `:raised_hand: *${input.stage.name}*${stagePercent(input.traffic, input.stage)} has soaked its ${formatDuration(input.stage.minSoak)}. Promote to ${to}?`;
  const footer = input.evidence
    ? `${input.evidence}\nApprovers: ${input.approvers}`
    : `Approvers: ${input.approvers}`;
  return withButtons(text, `prompt-${input.promptId}`, input.buttons, footer);
}

export function goNoGoPrompt(input: {
  deadline: Date;
  timeZone: string;
  policy: string;
  promptId: number;
  buttons: ButtonSpec[];
}): Message {
  const text = `:vertical_traffic_light: *Go/no-go*: decide by *${slackTime(input.deadline, input.timeZone)}* whether to proceed or roll back.`;
  return withButtons(
    text,
    `prompt-${input.promptId}`,
    input.buttons,
    `Undecided at the deadline: ${input.policy}.`,
  );
}

export function declarePrompt(input: {
  promptId: number;
  approvers: string;
  buttons: ButtonSpec[];
  traffic?: TrafficMode;
}): Message {
  const traffic = input.traffic === 'none' ? 'the new version live' : 'all traffic (100%) on the new version';
  const text = `:checkered_flag: The success criteria hold over the whole success window, with ${traffic}. Declare the deployment complete?`;
  return withButtons(text, `prompt-${input.promptId}`, input.buttons, `Declared by: ${input.approvers}`);
}

export function restorePrompt(input: {
  backupTakenAt: string;
  promptId: number;
  approvers: string;
  buttons: ButtonSpec[];
}): Message {
  const text = `:floppy_disk: The previous version is back. Migrations changed the schema, so the database can be restored from the backup taken at *${input.backupTakenAt}*. *Data written since then will be lost.*`;
  return withButtons(text, `prompt-${input.promptId}`, input.buttons, `Confirmed by: ${input.approvers}`);
}

export function heldPrompt(input: { reason: string; promptId: number; buttons: ButtonSpec[] }): Message {
  const text = `:double_vertical_bar: Deployment on hold: ${input.reason}`;
  return withButtons(text, `prompt-${input.promptId}`, input.buttons);
}

export function rollbackFailedPrompt(input: {
  step: string;
  summary: string;
  promptId: number;
  buttons: ButtonSpec[];
}): Message {
  const text = `:rotating_light: Rollback step *${input.step}* failed: ${input.summary}. Production may be half-reverted: retry, or act by hand.`;
  return withButtons(text, `prompt-${input.promptId}`, input.buttons);
}

/**
 * A page: who must look, and why. A person not answering (`process`) rings a bell; something
 * wrong in production (`metric`) is a siren, so the two are told apart at a glance.
 */
export function pageMessage(
  userIds: string[],
  roleNames: string,
  text: string,
  kind: 'process' | 'metric' = 'metric',
): Message {
  const who =
    userIds.length > 0
      ? userIds.map(mention).join(' ')
      : `(no one holds ${roleNames}: assign with \`/deploy role\`)`;
  const icon = kind === 'process' ? ':bell:' : ':rotating_light:';
  const full = `${icon} ${who} ${text}`;
  return { text: full, blocks: [section(full)] };
}

/** A page once answered: what it said, struck through, and who answered. */
export function resolvedPageMessage(before: string, resolution: string): Message {
  const said = before.replace(/^:[a-z_]+: /, '');
  const full = `:white_check_mark: Resolved: ${resolution}\n~${said}~`;
  return { text: full, blocks: [section(full)] };
}

export const note = (text: string): Message => ({ text, blocks: [section(text)] });
