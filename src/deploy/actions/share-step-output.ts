import { mention, slackTime } from '../../announce/format.js';
import { ensureRoot } from '../../announce/root.js';
import { AppError } from '../../errors.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { claimStepOutputShare, releaseStepOutputShare } from '../../infra/db/step-outputs.js';
import { getStepRun } from '../../infra/db/step-runs.js';
import type { DeployDeps } from '../../ports.js';

/**
 * [Full output] on a step's message: uploads the run's whole output (redacted as its tail is,
 * bounded at 2 MB) as a file in the deployment's thread, once. Returns nothing when the file in
 * the thread is the answer, or what to tell the person privately (it is there already, nothing
 * was printed).
 */
export async function shareStepOutput(
  deps: Pick<DeployDeps, 'db' | 'plan' | 'messenger' | 'clock' | 'log'>,
  input: { stepRunId: number; userId: string },
): Promise<string | undefined> {
  const run = await getStepRun(deps.db, input.stepRunId);
  const deployment = run && (await getDeployment(deps.db, run.deploymentId));
  if (!run || !deployment) throw new AppError('not_found', 'That step run no longer exists.');
  const claim = await claimStepOutputShare(deps.db, run.id, input.userId);
  if (claim.kind === 'missing') return `*${run.stepName}* printed nothing: there is no output to share.`;
  if (claim.kind === 'shared') {
    const by = claim.sharedBy ? ` for ${mention(claim.sharedBy)}` : '';
    return `The full output of *${run.stepName}* is already in the thread (shared${by} at ${slackTime(claim.sharedAt, deps.plan.timezone)}).`;
  }
  const attempt = run.attempt > 1 ? ` (attempt ${run.attempt})` : '';
  try {
    await deps.messenger.upload(deployment.channelId, {
      filename: `stagecoach-${deployment.id}-${run.stepId}-${run.attempt}.log`.replace(/[^\w.-]+/g, '_'),
      title: `${run.stepName}${attempt}: full output (deployment #${deployment.id})`,
      content: claim.output,
      threadTs: await ensureRoot(deps, deployment.id),
      initialComment: `Full output of *${run.stepName}*${attempt}, for ${mention(input.userId)}.`,
    });
  } catch (error) {
    // Not shared after all: the next click tries again.
    await releaseStepOutputShare(deps.db, run.id);
    deps.log.warn({ err: error, stepRunId: run.id }, 'could not upload a step output');
    const reason = error instanceof Error ? error.message.slice(0, 200) : 'unknown error';
    throw new AppError(
      'unavailable',
      `Could not upload the output of *${run.stepName}* (${reason}). The Slack app needs the files:write scope; click again to retry.`,
      { cause: error },
    );
  }
  return undefined;
}
