import type { AlertMember } from '../../deploy/model/alert-group.js';
import type { DbClient } from './pool.js';
import { getPrompt, type Prompt } from './prompts.js';

/**
 * The alert group still taking members (its prompt open), locked for this transaction; lock order
 * deployments → prompts, so callers touch the deployment's row first.
 */
export async function lockOpenAlertGroup(db: DbClient, deploymentId: number): Promise<Prompt | undefined> {
  const result = await db.query<{ id: number }>(
    `SELECT id FROM prompts WHERE deployment_id = $1 AND kind = 'alert' AND status = 'open' AND payload ? 'members'
      ORDER BY id DESC LIMIT 1 FOR UPDATE`,
    [deploymentId],
  );
  const id = result.rows[0]?.id;
  return id === undefined ? undefined : getPrompt(db, id);
}

/** One alert prompt, locked: a member comes back in the group it joined, open or answered. */
export async function lockAlertPrompt(db: DbClient, promptId: number): Promise<Prompt | undefined> {
  const result = await db.query<{ id: number }>(
    `SELECT id FROM prompts WHERE id = $1 AND kind = 'alert' FOR UPDATE`,
    [promptId],
  );
  return result.rowCount ? getPrompt(db, promptId) : undefined;
}

/** The group in which `key` is still in trouble, if any (newest first). */
export async function findGroupInTrouble(
  db: DbClient,
  deploymentId: number,
  key: string,
): Promise<number | undefined> {
  const result = await db.query<{ id: number }>(
    `SELECT id FROM prompts p WHERE deployment_id = $1 AND kind = 'alert' AND payload ? 'members'
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.payload->'members') m
                     WHERE m->>'key' = $2 AND NOT m ? 'settledAt')
      ORDER BY id DESC LIMIT 1`,
    [deploymentId, key],
  );
  return result.rows[0]?.id;
}

/** Whether any member from `source` is still in trouble in any group of the deployment. */
export async function anyInTrouble(
  db: DbClient,
  deploymentId: number,
  source: AlertMember['source'],
): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM prompts p WHERE deployment_id = $1 AND kind = 'alert' AND payload ? 'members'
        AND EXISTS (SELECT 1 FROM jsonb_array_elements(p.payload->'members') m
                     WHERE m->>'source' = $2 AND NOT m ? 'settledAt')
      LIMIT 1`,
    [deploymentId, source],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Stores a group's members (and when its auto-rollback fires, or null once it cannot). */
export async function saveAlertGroup(
  db: DbClient,
  promptId: number,
  members: readonly AlertMember[],
  autoRollbackAt: Date | null | undefined,
): Promise<void> {
  await db.query(
    `UPDATE prompts SET payload = CASE WHEN $3::boolean THEN payload - 'autoRollbackAt' ELSE payload END
        || jsonb_build_object('members', $2::jsonb)
        || CASE WHEN $4::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('autoRollbackAt', $4::text) END
      WHERE id = $1`,
    [promptId, JSON.stringify(members), autoRollbackAt === null, autoRollbackAt?.toISOString() ?? null],
  );
}

/** Whether the group's auto-rollback is still pending. */
export async function hasPendingAutoRollback(db: DbClient, promptId: number): Promise<boolean> {
  const result = await db.query(
    `SELECT 1 FROM timers WHERE kind = 'auto_rollback' AND status = 'pending' AND payload->>'promptId' = $1 LIMIT 1`,
    [String(promptId)],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Alerts raised since `since`: each monitor or Alertmanager alert that joined a group counts once
 * (four monitors in one message are four alerts); an alert from before grouping counts as one.
 */
export async function countAlertsRaisedSince(
  db: DbClient,
  deploymentId: number,
  since: Date,
): Promise<number> {
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM prompts p
       CROSS JOIN LATERAL jsonb_array_elements(
         CASE WHEN p.payload ? 'members' THEN p.payload->'members'
              ELSE jsonb_build_array(jsonb_build_object('raisedAt', p.created_at)) END) m
      WHERE p.deployment_id = $1 AND p.kind = 'alert' AND (m->>'raisedAt')::timestamptz >= $2`,
    [deploymentId, since],
  );
  return result.rows[0]?.n ?? 0;
}
