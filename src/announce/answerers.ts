import { roleName } from '../deploy/authorize.js';
import { decisionRules, decisions } from '../deploy/model/decisions.js';
import type { PromptKind } from '../deploy/model/prompt-kinds.js';
import type { DbClient } from '../infra/db/pool.js';
import { listAssignments } from '../infra/db/roles.js';
import type { Block, Message } from '../infra/slack/block-kit.js';
import { context } from '../infra/slack/block-kit.js';
import type { Plan } from '../plan/schema.js';
import { mention } from './format.js';

/** The block that names who a prompt waits on: dropped once someone has answered. */
export const waitingOnBlockId = 'waiting-on';
const waitingOnSeparator = ' · Waiting on ';

/**
 * The roles whose holders answer a prompt: the payload's `waitsOn` (a stage's own approvers), else
 * every role allowed to make a decision that answers this kind. None for what the whole team
 * answers (check-ins, alerts, issues): those are paged, not mentioned on every post.
 */
export function answeringRoles(plan: Plan, kind: PromptKind, payload: Record<string, unknown>): string[] {
  if (Array.isArray(payload.waitsOn))
    return payload.waitsOn.filter((r): r is string => typeof r === 'string');
  const guards = new Set(
    decisions.filter((d) => decisionRules[d].answers.includes(kind)).map((d) => decisionRules[d].guard),
  );
  return [
    ...new Set(
      [...guards].flatMap((guard) => (guard === 'team' ? [] : (plan.authorization[guard] as string[]))),
    ),
  ];
}

/**
 * The prompt with the people who can answer it @-mentioned (text and blocks, so Slack notifies
 * them), or, when nobody holds those roles, who can fix that. Unchanged when no role answers it.
 */
export async function mentionAnswerers(
  db: DbClient,
  plan: Plan,
  roles: string[],
  message: Message,
): Promise<{ message: Message; mentioned: string[] }> {
  message = withoutAnswerers(message); // posted again after a crash: named once
  if (roles.length === 0) return { message, mentioned: [] };
  const assignments = await listAssignments(db);
  const people = [...new Set(roles.flatMap((role) => assignments.get(role) ?? []))];
  const names = roles.map((role) => roleName(plan, role)).join(' or ');
  const line =
    people.length > 0
      ? `${people.map(mention).join(' ')} (${names})`
      : `the ${names}, but nobody holds ${roles.length > 1 ? 'these roles' : 'that role'}: an admin assigns one with \`/deploy role ${roles[0]} @someone\``;
  const block: Block = { ...context(`:bust_in_silhouette: Waiting on ${line}`), block_id: waitingOnBlockId };
  return {
    message: { text: `${message.text}${waitingOnSeparator}${line}`, blocks: [...message.blocks, block] },
    mentioned: people,
  };
}

/** The message without its "Waiting on" line: someone answered. */
export function withoutAnswerers(message: Message): Message {
  const cut = message.text.indexOf(waitingOnSeparator);
  return {
    text: cut >= 0 ? message.text.slice(0, cut) : message.text,
    blocks: message.blocks.filter((block) => (block as { block_id?: string }).block_id !== waitingOnBlockId),
  };
}
