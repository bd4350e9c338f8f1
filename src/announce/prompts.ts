import type pg from 'pg';
import type { AfterCommit } from '../deploy/intents.js';
import type { PromptKind } from '../deploy/model/prompt-kinds.js';
import { getDeployment } from '../infra/db/deployments.js';
import {
  claimPromptPost,
  getPrompt,
  insertPrompt,
  type Prompt,
  setPromptMessage,
} from '../infra/db/prompts.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { AnnounceDeps } from './announce-deps.js';
import { answeringRoles, mentionAnswerers, withoutAnswerers } from './answerers.js';
import { labelDryRun } from './blocks/dry-run.js';
import { linksBlock } from './blocks/links.js';
import { decidedMessage } from './blocks/step-messages.js';
import { nameRollbackTarget } from './buttons.js';
import { foldTarget } from './fold-target.js';
import { mention, slackTime } from './format.js';
import { ensureRoot } from './root.js';

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
  const built = build(prompt.id);
  const message = deployment.dryRun ? labelDryRun(built) : built;
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
  // Whoever can answer is named when it is posted (roles may change between record and post),
  // and the prompt shows in the channel too: Slack notifies thread followers only.
  const roles = answeringRoles(deps.plan, prompt.kind, prompt.payload);
  const deployment = await getDeployment(deps.db, prompt.deploymentId);
  const { message: asked } = await mentionAnswerers(
    deps.db,
    deps.plan,
    roles,
    nameRollbackTarget(build(prompt.id), deployment?.previousVersion ?? null),
  );
  // An alert carries the plan's links (dashboards, logs): the evidence is one click away.
  const links = prompt.kind === 'alert' && deployment ? linksBlock(deps.plan.links, deployment) : undefined;
  const withLinks = links ? { ...asked, blocks: [...asked.blocks, links] } : asked;
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
  // A quiet check-in joins the message of the ones before it (an idempotent edit, so a poster
  // that died half-way is simply repeated), or shows alone if that message never reached Slack.
  const fold = earlier ? undefined : await foldTarget(deps, prompt);
  let message = withLinks;
  if (fold && 'alone' in fold) {
    message = nameRollbackTarget(fold.alone.message, deployment?.previousVersion ?? null);
    await deps.db.query('UPDATE prompts SET payload = payload || $2::jsonb WHERE id = $1', [
      prompt.id,
      JSON.stringify(fold.alone.payload),
    ]);
  }
  if (fold && 'edit' in fold) await deps.messenger.update(prompt.channelId, fold.edit, message);
  const ts =
    earlier ??
    (fold && 'edit' in fold ? fold.edit : undefined) ??
    (await deps.messenger.post(prompt.channelId, message, rootTs, metadata, { broadcast: roles.length > 0 }));
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
    // Its message now stands for a later prompt too (check-ins folded into one): that one speaks for it.
    if (await messageTakenOver(deps, prompt)) continue;
    const when = slackTime(prompt.decidedAt ?? deps.clock(), deps.plan.timezone);
    const who =
      prompt.decidedBy && prompt.decidedBy !== 'stagecoach' ? mention(prompt.decidedBy) : 'Stagecoach';
    try {
      await deps.messenger.update(
        prompt.channelId,
        prompt.messageTs,
        decidedMessage(
          withoutAnswerers(original),
          `:ballot_box_with_check: ${prompt.decision} by ${who} at ${when}`,
        ),
      );
    } catch (error) {
      deps.log.warn({ err: error, promptId: prompt.id }, 'could not update a decided prompt');
    }
  }
}

async function messageTakenOver(deps: AnnounceDeps, prompt: Prompt): Promise<boolean> {
  const later = await deps.db.query(
    'SELECT 1 FROM prompts WHERE deployment_id = $1 AND message_ts = $2 AND id > $3 LIMIT 1',
    [prompt.deploymentId, prompt.messageTs, prompt.id],
  );
  return (later.rowCount ?? 0) > 0;
}

/** Replaces a posted prompt's message (a checklist ticked off) and keeps the stored copy in step. */
export async function updatePrompt(deps: AnnounceDeps, prompt: Prompt, message: Message): Promise<void> {
  if (!prompt.messageTs) return;
  await deps.messenger.update(prompt.channelId, prompt.messageTs, message);
  await setPromptMessage(deps.db, prompt.id, prompt.messageTs, message);
}
