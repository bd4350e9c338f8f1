import type { Deployment } from '../../infra/db/deployments.js';
import type { StepRun } from '../../infra/db/step-runs.js';
import { context, fields, header, type Message, section } from '../../infra/slack/block-kit.js';
import { formatDateTime, formatElapsed, mention } from '../format.js';
import {
  phaseLabels,
  plainStateLabel,
  stateLabels,
  stepStatusIcons,
  type TrafficMode,
  trafficLabel,
} from './labels.js';

/** `/deploy status`: the state, each step with its duration, and who started it. */
export function statusMessage(input: {
  deployment: Deployment;
  steps: StepRun[];
  application: string;
  timeZone: string;
  now: Date;
  traffic?: TrafficMode;
}): Message {
  const { deployment, steps, timeZone, now } = input;
  const lines = steps.map((step) => {
    const took = step.startedAt ? ` · ${formatElapsed(step.startedAt, step.finishedAt ?? now)}` : '';
    const attempt = step.attempt > 1 ? ` (attempt ${step.attempt})` : '';
    const summary =
      step.summary && step.status !== 'succeeded' && step.summary !== step.status ? ` · ${step.summary}` : '';
    return `${stepStatusIcons[step.status]} ${phaseLabels[step.phase] ?? step.phase} · *${step.stepName}*${attempt}: ${step.status.replace('_', ' ')}${took}${summary}`;
  });
  const title = `#${deployment.id} ${input.application} ${deployment.version} → ${deployment.environment}`;
  return {
    text: `${title}: ${plainStateLabel(deployment.state)}`,
    blocks: [
      header(`Status of deployment ${title}`.slice(0, 150)),
      fields([
        `*State*\n${stateLabels[deployment.state]}`,
        `*Traffic*\n${trafficLabel(input.traffic ?? 'command', deployment)}`,
        `*Started by*\n${mention(deployment.startedBy)}`,
        `*Started*\n${formatDateTime(deployment.createdAt, timeZone)}`,
        `*Running for*\n${formatElapsed(deployment.createdAt, deployment.endedAt ?? now)}`,
        ...(deployment.backupFile ? [`*Backup*\n\`${deployment.backupFile.split('/').pop()}\``] : []),
      ]),
      section(lines.join('\n') || 'No steps yet.'),
      context(
        deployment.dryRun ? 'Dry run: commands are listed, not executed.' : `Plan: ${deployment.planName}`,
      ),
    ],
  };
}

export function noDeploymentMessage(environment?: string): Message {
  const text = environment
    ? `No deployment of ${environment} yet. Start one with \`/deploy start <version> to ${environment}\`.`
    : 'No deployment yet. Start one with `/deploy start <version>`.';
  return { text, blocks: [section(text)] };
}
