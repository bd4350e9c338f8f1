import { stateLabels } from '../announce/blocks/labels.js';
import { formatDateTime, formatElapsed, mention } from '../announce/format.js';
import { context, header, type Message, section } from '../infra/slack/block-kit.js';
import type { EnvironmentHistory, HistoryEntry } from './history-entry.js';

/** `/deploy history`: per environment, the latest deployments with outcome, who, when and how long. */
export function historyMessage(input: {
  history: EnvironmentHistory[];
  application: string;
  timeZone: string;
  now: Date;
}): Message {
  const line = (d: HistoryEntry) => {
    const took = d.endedAt
      ? `took ${formatElapsed(d.createdAt, d.endedAt)}`
      : `running for ${formatElapsed(d.createdAt, input.now)}`;
    const dry = d.dryRun ? ' (dry run)' : '';
    return `#${d.id} \`${d.version}\`${dry} · ${stateLabels[d.state]} · ${mention(d.startedBy)} · ${formatDateTime(d.createdAt, input.timeZone)} · ${took}`;
  };
  const total = input.history.reduce((sum, env) => sum + env.deployments.length, 0);
  const summary = input.history.map((env) => `${env.environment}: ${env.deployments.length}`).join(', ');
  return {
    text:
      total === 0
        ? `No ${input.application} deployments yet.`
        : `Recent ${input.application} deployments (${summary}).`,
    blocks: [
      header(`Recent ${input.application} deployments`),
      ...input.history.map((env) =>
        section(`*${env.environment}*\n${env.deployments.map(line).join('\n') || '_No deployments yet._'}`),
      ),
      context(
        `Latest 10 per environment, newest first. Times in ${input.timeZone}. \`/deploy report <number>\` for the full review of one.`,
      ),
    ],
  };
}
