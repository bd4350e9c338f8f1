import type { Deployment } from '../../infra/db/deployments.js';
import { context, header, type Message, section } from '../../infra/slack/block-kit.js';
import { mention, slackTime } from '../format.js';

export interface TimelineLine {
  at: Date;
  actor: string;
  action: string;
  to: string | null;
  detail: string;
}

const shown = 40;

/** `/deploy schedule` without a window: the live deployment's timeline, newest last. */
export function liveTimelineMessage(
  deployment: Deployment,
  lines: TimelineLine[],
  timeZone: string,
): Message {
  const title = `Deployment #${deployment.id}: ${deployment.version} → ${deployment.environment}`;
  const recent = lines.slice(-shown);
  const body = recent.map((line) => {
    const who = line.actor === 'stagecoach' ? 'Stagecoach' : mention(line.actor);
    const to = line.to ? ` → ${line.to.replaceAll('_', ' ')}` : '';
    return `• ${slackTime(line.at, timeZone)} · ${line.action.replaceAll('_', ' ')}${to} · ${who}${line.detail ? ` · ${line.detail}` : ''}`;
  });
  return {
    text: `${title}: timeline (${lines.length} events)`,
    blocks: [
      header(title),
      context('No maintenance window is scheduled; this is the live deployment, from its audit log.'),
      section(body.join('\n') || 'Nothing recorded yet.'),
      ...(lines.length > shown
        ? [context(`The ${lines.length - shown} earlier events are in \`/deploy report\`.`)]
        : []),
    ],
  };
}
