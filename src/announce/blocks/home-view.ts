import type { Deployment } from '../../infra/db/deployments.js';
import { context, divider, header, section } from '../../infra/slack/block-kit.js';
import { slackTime } from '../format.js';
import { stateLabels, type TrafficMode, trafficLabel } from './labels.js';

export interface HomeDeployment {
  deployment: Deployment;
  stageName: string | undefined;
  nextDecision: string;
}

/** The App Home tab: active deployments with their stage and next decision, and the viewer's roles. */
export function homeView(input: {
  deployments: HomeDeployment[];
  roleNames: string[];
  timeZone: string;
  now: Date;
  traffic?: TrafficMode;
}) {
  const rows = input.deployments.map(({ deployment, stageName, nextDecision }) =>
    section(
      `*#${deployment.id} ${deployment.version} → ${deployment.environment}*\n${stateLabels[deployment.state]} · ${trafficLabel(input.traffic ?? 'command', deployment)}${stageName ? ` (${stageName})` : ''}\nNext: ${nextDecision}`,
    ),
  );
  return {
    type: 'home' as const,
    blocks: [
      header('Stagecoach'),
      section(
        input.deployments.length > 0
          ? `*Active deployments* (${input.deployments.length})`
          : 'No active deployment. Start one with `/deploy start <version>`.',
      ),
      ...rows,
      divider(),
      section(
        `*Your roles:* ${input.roleNames.length > 0 ? input.roleNames.join(', ') : 'none (an admin assigns them with `/deploy role`)'}`,
      ),
      context(`Updated ${slackTime(input.now, input.timeZone)} · \`/deploy help\` lists every command`),
    ],
  };
}
