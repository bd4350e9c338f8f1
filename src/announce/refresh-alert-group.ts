import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AfterCommit } from '../deploy/intents.js';
import { membersOf } from '../deploy/model/alert-group.js';
import { type Deployment, getDeployment } from '../infra/db/deployments.js';
import { getPrompt, type Prompt } from '../infra/db/prompts.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { Plan } from '../plan/schema.js';
import { answeringRoles, mentionAnswerers } from './answerers.js';
import { alertGroupMessage } from './blocks/alert-message.js';
import { labelDryRun } from './blocks/dry-run.js';
import { linksBlock } from './blocks/links.js';
import { nameRollbackTarget } from './buttons.js';
import { enqueueNotification } from './outbox/enqueue-notification.js';

/**
 * Records, in the caller's transaction, an edit of an alert group's message to what its members
 * say now. The edit is an outbox row, not a follow-up: a crash after COMMIT leaves it to the
 * reconciler instead of losing it. It waits for the prompt's own post, keeps its order among the
 * group's other edits, and shows the prompt decided if it was answered before the edit went out.
 */
export async function refreshAlertGroup(
  client: pg.PoolClient,
  deps: { plan: Plan },
  later: Pick<AfterCommit, 'followUps'>,
  promptId: number,
): Promise<void> {
  const prompt = await getPrompt(client, promptId);
  const deployment = prompt && (await getDeployment(client, prompt.deploymentId));
  const members = prompt && membersOf(prompt.payload);
  if (!prompt || !deployment || !members) return;
  const autoRollbackAt =
    typeof prompt.payload.autoRollbackAt === 'string' ? new Date(prompt.payload.autoRollbackAt) : undefined;
  const built = alertGroupMessage({ members, timeZone: deps.plan.timezone, promptId, autoRollbackAt });
  const core = deployment.dryRun ? labelDryRun(built) : built;
  const shown = await dressedAsPosted(client, deps.plan, prompt, deployment, core);
  // The stored copy is what is posted next: the bare message while a poster (or the reconciler)
  // has still to post and dress it, the dressed one once it is in Slack.
  await client.query(
    `UPDATE prompts SET payload = payload || jsonb_build_object('message', $2::jsonb) WHERE id = $1`,
    [promptId, JSON.stringify(prompt.messageTs ? shown : core)],
  );
  const row = await enqueueNotification(client, {
    deploymentId: deployment.id,
    dedupeKey: `prompt-refresh:${promptId}:${randomUUID()}`,
    channel: 'slack',
    target: { channel: prompt.channelId, refreshesPrompt: promptId },
    message: { text: shown.text, blocks: shown.blocks },
  });
  if (row) later.followUps.push({ kind: 'prompt_refresh', notificationId: row.id });
}

/** The message as `publishPrompt` posts an alert: the rollback target named, answerers, the plan's links. */
async function dressedAsPosted(
  client: pg.PoolClient,
  plan: Plan,
  prompt: Prompt,
  deployment: Deployment,
  core: Message,
): Promise<Message> {
  const roles = answeringRoles(plan, prompt.kind, prompt.payload);
  const { message } = await mentionAnswerers(
    client,
    plan,
    roles,
    nameRollbackTarget(core, deployment.previousVersion),
  );
  const links = linksBlock(plan.links, deployment);
  return links ? { ...message, blocks: [...message.blocks, links] } : message;
}

/**
 * Decided alert groups are shown decided by an edit through the outbox, ordered after their earlier
 * edits (one still on its way could otherwise bring the buttons back); the other prompts are
 * returned, for `show_decided`.
 */
export async function refreshDecidedAlertGroups(
  client: pg.PoolClient,
  deps: { plan: Plan },
  later: Pick<AfterCommit, 'followUps'>,
  prompts: Prompt[],
): Promise<Prompt[]> {
  const others: Prompt[] = [];
  for (const prompt of prompts) {
    if (prompt.kind === 'alert' && membersOf(prompt.payload))
      await refreshAlertGroup(client, deps, later, prompt.id);
    else others.push(prompt);
  }
  return others;
}
