import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type pg from 'pg';
import type { AfterCommit } from '../deploy/intents.js';
import type { PromptKind } from '../deploy/model/prompt-kinds.js';
import { type Deployment, getDeployment, setRootTs } from '../infra/db/deployments.js';
import { hasUndelivered } from '../infra/db/notifications.js';
import type { DbClient } from '../infra/db/pool.js';
import { claimRootPost } from '../infra/db/post-claims.js';
import {
  claimPromptPost,
  getPrompt,
  insertPrompt,
  type Prompt,
  setPromptMessage,
} from '../infra/db/prompts.js';
import { listLatestStepRuns } from '../infra/db/step-runs.js';
import { isTransientDbError } from '../infra/db/transient-error.js';
import { targetKey } from '../infra/notify/target-key.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import { rootMessage } from './blocks/root-message.js';
import { decidedMessage } from './blocks/step-messages.js';
import { formatTime, mention } from './format.js';
import { dispatchNotifications } from './outbox/dispatch-notifications.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';

type AnnounceDeps = Pick<DeployDeps, 'db' | 'plan' | 'messenger' | 'clock' | 'log'>;

async function renderRoot(deps: AnnounceDeps, deployment: Deployment, db: DbClient): Promise<Message> {
  const steps = await listLatestStepRuns(db, deployment.id);
  return rootMessage({
    deployment,
    steps,
    application: deps.plan.application,
    timeZone: deps.plan.timezone,
    now: deps.clock(),
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
      const ts = await deps.messenger.post(deployment.channelId, await renderRoot(deps, deployment, deps.db));
      await pRetry(() => setRootTs(deps.db, deploymentId, ts), {
        retries: 5,
        minTimeout: 200,
        shouldRetry: (error) => isTransientDbError(error),
      });
      return (await getDeployment(deps.db, deploymentId))?.rootTs ?? ts;
    }
    if (Date.now() > deadline)
      throw new Error(`the root message of deployment ${deploymentId} is still being posted`);
    await new Promise((resolve) => setTimeout(resolve, rootWaitPollMs));
  }
}

/** Brings the root message up to date with the deployment's state and steps. */
export async function refreshRoot(deps: AnnounceDeps, deploymentId: number): Promise<void> {
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

/**
 * Posts a detail in the deployment's thread: directly while the thread has nothing waiting, else
 * (or when Slack fails past the client's retries) through the outbox, behind what waits, so lines
 * of one thread keep their order and a Slack outage delays them instead of losing them.
 */
export async function postInThread(
  deps: AnnounceDeps & Pick<DeployDeps, 'queues'>,
  deploymentId: number,
  message: Message,
): Promise<void> {
  const rootTs = await ensureRoot(deps, deploymentId);
  const deployment = await getDeployment(deps.db, deploymentId);
  if (!deployment) return;
  const target = { channel: deployment.channelId, threadTs: rootTs };
  if (!(await hasUndelivered(deps.db, targetKey('slack', target)))) {
    try {
      await deps.messenger.post(deployment.channelId, message, rootTs);
      return;
    } catch (error) {
      deps.log.warn(
        { err: error, deploymentId },
        'a thread message goes through the outbox after a Slack error',
      );
    }
  }
  const row = await enqueueNotification(deps.db, {
    deploymentId,
    dedupeKey: `thread:${deploymentId}:${randomUUID()}`,
    channel: 'slack',
    target,
    message: { text: message.text, blocks: message.blocks },
  });
  try {
    await dispatchNotifications(deps, [row]);
  } catch (error) {
    // Recorded, so not lost: the reconciler dispatches it once Redis answers again.
    deps.log.warn({ err: error, deploymentId }, 'a thread message waits for Redis');
  }
}

/**
 * Records a prompt, with its rendered message, in the caller's transaction, and posts it after
 * COMMIT. If the process dies in between, the reconciler posts it from the stored message, so a
 * prompt (a check-in, a promotion) is never lost.
 */
export async function recordPrompt(
  client: pg.PoolClient,
  later: Pick<AfterCommit, 'followUps'>,
  deploymentId: number,
  kind: PromptKind,
  build: (promptId: number) => Message,
  payload: Record<string, unknown> = {},
): Promise<Prompt> {
  const deployment = await getDeployment(client, deploymentId);
  if (!deployment) throw new Error(`deployment ${deploymentId} not found`);
  const prompt = await insertPrompt(client, { deploymentId, kind, channelId: deployment.channelId, payload });
  const message = build(prompt.id);
  await client.query(
    `UPDATE prompts SET payload = payload || jsonb_build_object('message', $2::jsonb) WHERE id = $1`,
    [prompt.id, JSON.stringify(message)],
  );
  const recorded = { ...prompt, payload: { ...prompt.payload, message } };
  later.followUps.push({ kind: 'publish_prompt', prompt: recorded, message });
  return recorded;
}

/**
 * How long one poster may take to get a prompt into Slack (the client's retries included) before
 * the reconciler assumes it died and posts the prompt itself.
 */
export const promptPostLeaseMs = 15_000;

/**
 * Posts prompts that were recorded but never reached Slack: the process died after COMMIT, or
 * Slack failed for longer than the client's retries. Decided ones are posted too (shown decided),
 * so that a check-in that was overtaken by the next one still appears in the thread.
 */
export async function publishUnpostedPrompts(deps: AnnounceDeps, olderThanMs = 3_000): Promise<number> {
  const result = await deps.db.query<{ id: number }>(
    `SELECT id FROM prompts
      WHERE message_ts IS NULL AND payload ? 'message'
        AND CASE WHEN post_claimed_at IS NULL
                 THEN created_at < now() - make_interval(secs => $1::float8 / 1000)
                 ELSE post_claimed_at < now() - make_interval(secs => $2::float8 / 1000) END
      ORDER BY id`,
    [olderThanMs, promptPostLeaseMs],
  );
  let posted = 0;
  for (const { id } of result.rows) {
    const prompt = await getPrompt(deps.db, id);
    const message = prompt?.payload.message;
    if (!prompt || !message) continue;
    try {
      if (await publishPrompt(deps, prompt, () => message)) posted++;
    } catch (error) {
      // Slack may still be failing: the lease expires and the next pass tries again.
      deps.log.warn({ err: error, promptId: id }, 'could not post a prompt recorded earlier');
    }
  }
  return posted;
}

/**
 * Posts a prompt recorded earlier in a transaction (so a deadline can already see it), unless
 * another poster holds it. If it was decided before it reached Slack, it is shown decided.
 * Returns whether this call posted it.
 */
export async function publishPrompt(
  deps: AnnounceDeps,
  prompt: Prompt,
  build: (promptId: number) => Message,
): Promise<boolean> {
  const claim = await claimPromptPost(deps.db, prompt.id, promptPostLeaseMs);
  if (!claim) return false;
  const message = build(prompt.id);
  const rootTs = await ensureRoot(deps, prompt.deploymentId);
  const metadata = { event_type: 'stagecoach_prompt', event_payload: { prompt_id: prompt.id } };
  // A poster that died may have reached Slack before it could record the ts: find that post, not a second one.
  const earlier =
    claim === 'again'
      ? await deps.messenger
          .findInThread(
            prompt.channelId,
            rootTs,
            (found) =>
              found.event_type === metadata.event_type && found.event_payload.prompt_id === prompt.id,
          )
          .catch((error: unknown) => {
            // Without the history scope, a repeat is better than a prompt that never arrives.
            deps.log.warn(
              { err: error, promptId: prompt.id },
              'could not look for an earlier post of a prompt',
            );
            return undefined;
          })
      : undefined;
  const ts = earlier ?? (await deps.messenger.post(prompt.channelId, message, rootTs, metadata));
  await setPromptMessage(deps.db, prompt.id, ts, message);
  const fresh = await getPrompt(deps.db, prompt.id);
  if (fresh && fresh.status !== 'open') await showDecided(deps, [fresh]);
  return true;
}

/** Rewrites decided prompts to say who decided what and when, without buttons. */
export async function showDecided(deps: AnnounceDeps, prompts: Prompt[]): Promise<void> {
  for (const prompt of prompts) {
    const original = prompt.payload.message;
    if (!prompt.messageTs || !original) continue;
    const when = formatTime(prompt.decidedAt ?? deps.clock(), deps.plan.timezone);
    const who =
      prompt.decidedBy && prompt.decidedBy !== 'stagecoach' ? mention(prompt.decidedBy) : 'Stagecoach';
    try {
      await deps.messenger.update(
        prompt.channelId,
        prompt.messageTs,
        decidedMessage(original, `:ballot_box_with_check: ${prompt.decision} by ${who} at ${when}`),
      );
    } catch (error) {
      deps.log.warn({ err: error, promptId: prompt.id }, 'could not update a decided prompt');
    }
  }
}

/** Replaces a posted prompt's message (a checklist ticked off) and keeps the stored copy in step. */
export async function updatePrompt(deps: AnnounceDeps, prompt: Prompt, message: Message): Promise<void> {
  if (!prompt.messageTs) return;
  await deps.messenger.update(prompt.channelId, prompt.messageTs, message);
  await setPromptMessage(deps.db, prompt.id, prompt.messageTs, message);
}
