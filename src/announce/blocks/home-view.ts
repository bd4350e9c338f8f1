import type { Deployment } from '../../infra/db/deployments.js';
import { type Block, context, divider, header, type Message, section } from '../../infra/slack/block-kit.js';
import { slackTime } from '../format.js';
import { stateLabels, type TrafficMode, trafficLabel } from './labels.js';

/** A prompt the viewer can answer, shown with its own message and buttons. */
export interface HomeItem {
  deploymentId: number;
  version: string;
  message: Message;
}

export interface HomeDeployment {
  deployment: Deployment;
  stageName: string | undefined;
  nextDecision: string;
}

/** The App Home tab: active deployments with their stage and next decision, and the viewer's roles. */
export function homeView(input: {
  needsYou?: HomeItem[];
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
      ...needsYouBlocks(input.needsYou ?? []),
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

/** "Needs you": each prompt the viewer may answer, with its buttons (they work here as in the channel). */
function needsYouBlocks(items: HomeItem[]): Block[] {
  if (items.length === 0) return [];
  // A Home tab holds 100 blocks: the newest prompts first, a handful at most.
  const shown = items.slice(-5).reverse();
  return [
    section(`*Needs you* (${items.length})`),
    ...shown.flatMap((item) => [
      context(`Deployment #${item.deploymentId} · ${item.version}`),
      ...item.message.blocks
        .filter((block) => block.type === 'section' || block.type === 'actions')
        .slice(0, 4),
    ]),
    divider(),
  ];
}
