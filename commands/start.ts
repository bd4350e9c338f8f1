import { queueDelayNote } from '../src/announce/queue-delay-note.js';
import type { SubcommandHandler } from '../src/command-context.js';
import { startDeployment } from '../src/deploy/actions/start-deployment.js';

export const start: SubcommandHandler<'start'> = async (command, { deps, userId }) => {
  const deployment = await startDeployment(deps, { ...command, userId });
  const dry = deployment.dryRun ? ' as a dry run (nothing is executed)' : '';
  const waiting = deployment.queued ? '' : ` ${queueDelayNote}`;
  return `Started deployment #${deployment.id}: ${deployment.version} → ${deployment.environment}${dry}. Follow it in <#${deployment.channelId}>.${waiting}`;
};
