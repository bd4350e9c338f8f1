import pRetry from 'p-retry';
import { type Deployment, getDeployment, setRootTs } from '../infra/db/deployments.js';
import type { DbClient } from '../infra/db/pool.js';
import { claimRootPost, releaseRootPost } from '../infra/db/post-claims.js';
import { listLatestStepRuns } from '../infra/db/step-runs.js';
import { isTransientDbError } from '../infra/db/transient-error.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import type { AnnounceDeps } from './announce-deps.js';
import { rootMessage } from './blocks/root-message.js';
import { loadRootSummary } from './root-summary.js';

async function renderRoot(deps: AnnounceDeps, deployment: Deployment, db: DbClient): Promise<Message> {
  const steps = await listLatestStepRuns(db, deployment.id);
  const summary = await loadRootSummary(db, deps.plan, deployment);
  return rootMessage({
    summary,
    links: deps.plan.links,
    deployment,
    steps,
    application: deps.plan.application,
    timeZone: deps.plan.timezone,
    now: deps.clock(),
    traffic: deps.plan.traffic.mode,
  });
}

/** How long one poster may take to get the root message into Slack before another takes over. */
export const rootPostLeaseMs = 15_000;
const rootWaitPollMs = 100;

/**
 * Posts the root message once. A lease, not a row lock, makes two processes agree on one poster,
 * so no lock is held across the Slack call (retries and 429 waits included); the others wait
 * for the ts it records.
 */
export async function ensureRoot(deps: AnnounceDeps, deploymentId: number): Promise<string> {
  const deadline = Date.now() + rootPostLeaseMs + 5_000;
  for (;;) {
    const deployment = await getDeployment(deps.db, deploymentId);
    if (!deployment) throw new Error(`deployment ${deploymentId} not found`);
    if (deployment.rootTs) return deployment.rootTs;
    if (await claimRootPost(deps.db, deploymentId, rootPostLeaseMs)) {
      let ts: string;
      try {
        ts = await deps.messenger.post(deployment.channelId, await renderRoot(deps, deployment, deps.db));
      } catch (error) {
        // Nothing was posted: the next caller may try at once instead of waiting out the lease.
        await releaseRootPost(deps.db, deploymentId).catch(() => undefined);
        throw error;
      }
      await pRetry(() => setRootTs(deps.db, deploymentId, ts), {
        retries: 5,
        minTimeout: 200,
        shouldRetry: (error) => isTransientDbError(error),
      });
      // Pinned, so the live summary is one click away in the channel header. Not awaited: a pin
      // waits for its turn (Tier 2, 20 a minute), and the thread's first line need not wait for it.
      void deps.messenger
        .pin(deployment.channelId, ts)
        .catch((error: unknown) =>
          deps.log.warn({ err: error, deploymentId }, 'could not pin the root message (pins:write scope?)'),
        );
      return (await getDeployment(deps.db, deploymentId))?.rootTs ?? ts;
    }
    if (Date.now() > deadline)
      throw new Error(`the root message of deployment ${deploymentId} is still being posted`);
    await new Promise((resolve) => setTimeout(resolve, rootWaitPollMs));
  }
}

/**
 * How long a change waits before the root message is re-rendered: every change in that time
 * becomes one `chat.update`, so a burst (a step starting and finishing, a click) is one edit.
 */
export const rootEditCoalesceMs = 2_000;

/**
 * Asks for the root message to be brought up to date. Coalesced through the `views` queue: one
 * job per deployment waits `rootEditCoalesceMs`, later asks while it waits are dropped (it renders
 * what Postgres holds when it runs), and one asked while it runs is kept for after it. Without
 * Redis the message is updated at once.
 */
export async function refreshRoot(
  deps: AnnounceDeps & Pick<DeployDeps, 'queues'>,
  deploymentId: number,
): Promise<void> {
  try {
    await deps.queues.views.add(
      'refresh-root',
      { deploymentId },
      { delay: rootEditCoalesceMs, deduplication: { id: `root-${deploymentId}`, keepLastIfActive: true } },
    );
  } catch (error) {
    deps.log.warn({ err: error, deploymentId }, 'root refresh not queued: updating it now');
    await updateRootNow(deps, deploymentId);
  }
}

/** Renders the root message from Postgres and edits it in place (posts it if it is missing). */
export async function updateRootNow(deps: AnnounceDeps, deploymentId: number): Promise<void> {
  try {
    const deployment = await getDeployment(deps.db, deploymentId);
    if (!deployment) return;
    if (!deployment.rootTs) {
      await ensureRoot(deps, deploymentId);
      return;
    }
    await deps.messenger.update(
      deployment.channelId,
      deployment.rootTs,
      await renderRoot(deps, deployment, deps.db),
    );
  } catch (error) {
    // The root message is a view of Postgres; the next refresh repairs a missed one.
    deps.log.warn({ err: error, deploymentId }, 'could not refresh the root message');
  }
}
