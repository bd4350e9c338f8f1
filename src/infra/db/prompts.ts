import type { PromptKind } from '../../deploy/model/prompt-kinds.js';
import type { Message } from '../slack/block-kit.js';
import type { DbClient } from './pool.js';

export interface Prompt {
  id: number;
  deploymentId: number;
  kind: PromptKind;
  channelId: string;
  messageTs: string | null;
  status: 'open' | 'decided' | 'expired';
  decision: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  payload: { message?: Message } & Record<string, unknown>;
  createdAt: Date;
}

const columns = `id, deployment_id AS "deploymentId", kind, channel_id AS "channelId", message_ts AS "messageTs",
  status, decision, decided_by AS "decidedBy", decided_at AS "decidedAt", payload, created_at AS "createdAt"`;

export async function insertPrompt(
  db: DbClient,
  row: { deploymentId: number; kind: PromptKind; channelId: string; payload?: Record<string, unknown> },
): Promise<Prompt> {
  const result = await db.query<Prompt>(
    `INSERT INTO prompts (deployment_id, kind, channel_id, payload) VALUES ($1, $2, $3, $4) RETURNING ${columns}`,
    [row.deploymentId, row.kind, row.channelId, JSON.stringify(row.payload ?? {})],
  );
  return result.rows[0] as Prompt;
}

export async function getPrompt(db: DbClient, id: number) {
  const result = await db.query<Prompt>(`SELECT ${columns} FROM prompts WHERE id = $1`, [id]);
  return result.rows[0];
}

export async function setPromptMessage(db: DbClient, id: number, messageTs: string, message: Message) {
  await db.query(
    `UPDATE prompts SET message_ts = $2, payload = payload || jsonb_build_object('message', $3::jsonb) WHERE id = $1`,
    [id, messageTs, JSON.stringify(message)],
  );
}

/**
 * Takes the right to post a prompt to Slack for `leaseMs`. 'first' for the first poster, 'again'
 * when an earlier poster's lease ran out (its post may have reached Slack), false when the prompt
 * is already posted or another poster's lease still runs.
 */
export async function claimPromptPost(
  db: DbClient,
  id: number,
  leaseMs: number,
): Promise<'first' | 'again' | false> {
  const result = await db.query<{ again: boolean }>(
    `UPDATE prompts p SET post_claimed_at = now()
       FROM (SELECT id, post_claimed_at IS NOT NULL AS again FROM prompts WHERE id = $1 FOR UPDATE) before
      WHERE p.id = before.id AND p.message_ts IS NULL
        AND (p.post_claimed_at IS NULL OR p.post_claimed_at < now() - make_interval(secs => $2::float8 / 1000))
      RETURNING before.again`,
    [id, leaseMs],
  );
  const row = result.rows[0];
  if (!row) return false;
  return row.again ? 'again' : 'first';
}

/** Compare-and-set on the prompt: exactly one decision wins. */
export async function decidePrompt(db: DbClient, id: number, decision: string, decidedBy: string) {
  const result = await db.query<Prompt>(
    `UPDATE prompts SET status = 'decided', decision = $2, decided_by = $3, decided_at = now()
     WHERE id = $1 AND status = 'open' RETURNING ${columns}`,
    [id, decision, decidedBy],
  );
  return result.rows[0];
}

/** Closes every open prompt of a deployment (a decision made elsewhere makes them stale). */
export async function closeOpenPrompts(
  db: DbClient,
  deploymentId: number,
  decision: string,
  decidedBy: string,
  keepKinds: readonly PromptKind[] = [],
  /** Only these prompts (those open before the decision): never one the decision itself just asked. */
  onlyIds?: readonly number[],
) {
  const result = await db.query<Prompt>(
    `UPDATE prompts SET status = 'decided', decision = $2, decided_by = $3, decided_at = now()
     WHERE deployment_id = $1 AND status = 'open' AND NOT (kind = ANY($4))
       AND ($5::bigint[] IS NULL OR id = ANY($5)) RETURNING ${columns}`,
    [deploymentId, decision, decidedBy, keepKinds, onlyIds ?? null],
  );
  return result.rows;
}

export async function listOpenPrompts(db: DbClient, deploymentId: number, kind?: PromptKind) {
  const result = await db.query<Prompt>(
    `SELECT ${columns} FROM prompts WHERE deployment_id = $1 AND status = 'open' AND ($2::text IS NULL OR kind = $2)
     ORDER BY id`,
    [deploymentId, kind ?? null],
  );
  return result.rows;
}
