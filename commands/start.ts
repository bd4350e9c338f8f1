import { queueDelayNote } from '../src/announce/queue-delay-note.js';
import type { SubcommandHandler } from '../src/command-context.js';
import { startDeployment } from '../src/deploy/actions/start-deployment.js';

export const start: SubcommandHandler<'start'> = async (command, { deps, userId }) => {
  const deployment = await startDeployment(deps, { ...command, userId });
  // The plan's variable commands did run (their values fill in the listed commands): say so.
  const computed = Object.keys(deps.plan.variables ?? {}).length > 0;
  const dry = deployment.dryRun
    ? computed
      ? " as a dry run (no step is executed; only the plan's variable commands ran, to show the real values)"
      : ' as a dry run (nothing is executed)'
    : '';
  const waiting = deployment.queued ? '' : ` ${queueDelayNote}`;
  return `Started deployment #${deployment.id}: ${deployment.version} → ${deployment.environment}${dry}. Follow it in <#${deployment.channelId}>.${waiting}`;
};
