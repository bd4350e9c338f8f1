import type { Deployment } from '../../infra/db/deployments.js';
import type { StepRun } from '../../infra/db/step-runs.js';
import { context, fields, header, type Message, section } from '../../infra/slack/block-kit.js';
import { formatElapsed, mention, slackTime } from '../format.js';
import { dryRunTag } from './dry-run.js';
import {
  phaseLabels,
  plainStateLabel,
  stateLabels,
  stepStatusIcons,
  type TrafficMode,
  trafficLabel,
} from './labels.js';

export interface RootMessageInput {
  deployment: Deployment;
  steps: StepRun[];
  application: string;
  timeZone: string;
  now: Date;
  /** The plan's traffic mode; without it, the percentage a traffic command set. */
  traffic?: TrafficMode;
}

/** The deployment's one top-level message, kept current with chat.update; details go to its thread. */
export function rootMessage({
  deployment,
  steps,
  application,
  timeZone,
  now,
  traffic: mode = 'command',
}: RootMessageInput): Message {
  const title = `${application} ${deployment.version} → ${deployment.environment}`;
  const state = stateLabels[deployment.state];
  const traffic = trafficLabel(mode, deployment);
  const lines = steps.map((step) => {
    const took =
      step.startedAt && step.finishedAt ? ` (${formatElapsed(step.startedAt, step.finishedAt)})` : '';
    const attempt = step.attempt > 1 ? ` attempt ${step.attempt}` : '';
    return `${stepStatusIcons[step.status]} ${phaseLabels[step.phase] ?? step.phase}: ${step.stepName}${attempt}${took}`;
  });
  const dry = deployment.dryRun ? ` ${dryRunTag}` : '';
  return {
    text: `${title}${dry}: ${plainStateLabel(deployment.state)}`,
    blocks: [
      header(`Deployment #${deployment.id}: ${title}${dry}`),
      fields([
        `*State*\n${state}`,
        `*Traffic*\n${traffic}`,
        `*Started by*\n${mention(deployment.startedBy)}`,
        `*Started*\n${slackTime(deployment.createdAt, timeZone)}`,
        ...(deployment.previousVersion ? [`*Previous version*\n${deployment.previousVersion}`] : []),
      ]),
      ...(lines.length > 0 ? [section(lines.join('\n'))] : []),
      context(`Step output, check-ins and decisions are in the thread · updated ${slackTime(now, timeZone)}`),
    ],
  };
}
