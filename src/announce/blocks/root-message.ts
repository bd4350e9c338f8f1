import type { Deployment } from '../../infra/db/deployments.js';
import type { StepRun } from '../../infra/db/step-runs.js';
import { type Block, context, fields, header, type Message, section } from '../../infra/slack/block-kit.js';
import { formatElapsed, mention, slackTime } from '../format.js';
import type { RootSummary } from '../root-summary.js';
import { dryRunTag } from './dry-run.js';
import {
  phaseLabels,
  plainStateLabel,
  stateLabels,
  stepStatusIcons,
  type TrafficMode,
  trafficLabel,
} from './labels.js';
import { linksBlock } from './links.js';

export interface RootMessageInput {
  deployment: Deployment;
  steps: StepRun[];
  application: string;
  timeZone: string;
  now: Date;
  /** The plan's traffic mode; without it, the percentage a traffic command set. */
  traffic?: TrafficMode;
  /** Stages, what waits on whom, soak end, last check-in, issues, rollback reason. */
  summary?: RootSummary;
  /** The plan's links, as link buttons under the summary. */
  links?: readonly { label: string; url: string }[];
}

/**
 * The deployment's one top-level message, pinned and kept current with chat.update: a live
 * summary (where traffic stands and who moved it, what waits on whom, the last check-in, open
 * issues); the details go to its thread.
 */
export function rootMessage({
  deployment,
  steps,
  application,
  timeZone,
  now,
  traffic: mode = 'command',
  summary,
  links = [],
}: RootMessageInput): Message {
  const title = `${application} ${deployment.version} → ${deployment.environment}`;
  const state = stateLabels[deployment.state];
  const traffic = trafficLabel(mode, deployment);
  const dry = deployment.dryRun ? ` ${dryRunTag}` : '';
  const blocks: Block[] = [
    header(`Deployment #${deployment.id}: ${title}${dry}`),
    fields([
      `*State*\n${state}`,
      `*Traffic*\n${traffic}`,
      `*Started by*\n${mention(deployment.startedBy)}`,
      `*Started*\n${slackTime(deployment.createdAt, timeZone)}`,
      ...(deployment.previousVersion ? [`*Rolls back to*\n${deployment.previousVersion}`] : []),
      ...(summary?.soakEndsAt ? [`*Soak ends*\n${slackTime(summary.soakEndsAt, timeZone)}`] : []),
    ]),
  ];
  if (summary?.rollbackReason) blocks.push(section(`*Rollback reason:* ${summary.rollbackReason}`));
  if (summary && summary.waiting.length > 0) {
    blocks.push(section(`*Waiting on*\n${summary.waiting.map((w) => `• ${w.what}: ${w.on}`).join('\n')}`));
  }
  if (summary && summary.stages.length > 0) {
    const lines = summary.stages.map((stage) => {
      const share = stage.percent === undefined ? '' : ` (${stage.percent}%)`;
      const by = stage.promotedBy
        ? stage.earlyReason
          ? ` · promoted early by ${mention(stage.promotedBy)}: ${stage.earlyReason}`
          : ` · promoted by ${mention(stage.promotedBy)}`
        : '';
      return `• ${stage.name}${share} live ${slackTime(stage.liveAt, timeZone)}${by}`;
    });
    blocks.push(section(`*Stages*\n${lines.join('\n')}`));
  }
  if (summary?.lastCheckIn) {
    blocks.push(section(`*Last check-in:* ${summary.lastCheckIn.headline} · ${summary.lastCheckIn.answer}`));
  }
  if (summary && summary.openIssues.length > 0) {
    const lines = summary.openIssues.map((issue) => `• #${issue.id} ${issue.severity}: ${issue.description}`);
    blocks.push(section(`*Open issues*\n${lines.join('\n')}`));
  }
  const lines = stepLines(steps);
  if (lines.length > 0) blocks.push(section(lines.join('\n')));
  const linkButtons = linksBlock(links, deployment);
  if (linkButtons) blocks.push(linkButtons);
  blocks.push(
    context(`Step output, check-ins and decisions are in the thread · updated ${slackTime(now, timeZone)}`),
  );
  return { text: `${title}${dry}: ${plainStateLabel(deployment.state)}`, blocks };
}

/** One line per step; a phase whose steps all succeeded collapses to one line. */
function stepLines(steps: StepRun[]): string[] {
  const phases = [...new Set(steps.map((step) => step.phase))];
  return phases.flatMap((phase) => {
    const inPhase = steps.filter((step) => step.phase === phase);
    const label = phaseLabels[phase] ?? phase;
    if (phase !== 'rollback' && inPhase.length > 1 && inPhase.every((step) => step.status === 'succeeded')) {
      const first = inPhase[0]?.startedAt ?? null;
      const last = inPhase.at(-1)?.finishedAt ?? null;
      const took = first && last ? ` (${formatElapsed(first, last)})` : '';
      return [`${stepStatusIcons.succeeded} ${label}: ${inPhase.length} steps done${took}`];
    }
    return inPhase.map((step) => {
      const took =
        step.startedAt && step.finishedAt ? ` (${formatElapsed(step.startedAt, step.finishedAt)})` : '';
      const attempt = step.attempt > 1 ? ` attempt ${step.attempt}` : '';
      return `${stepStatusIcons[step.status]} ${label}: ${step.stepName}${attempt}${took}`;
    });
  });
}
