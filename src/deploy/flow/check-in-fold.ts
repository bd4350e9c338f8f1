import type pg from 'pg';
import type { Deployment } from '../../infra/db/deployments.js';

/** The check-in message a new check-in joins instead of posting a line of its own. */
export interface CheckInFold {
  promptId: number;
  /** Null while that check-in is still on its way to Slack: the new one waits for it when posted. */
  messageTs: string | null;
  /** The check-ins that message already stands for. */
  shown: number[];
  /** Of those, the ones that went unanswered. */
  missed: number[];
}

/**
 * Consecutive check-ins with everything within limits share one message, edited as each comes
 * due (half the thread's noise in a quiet six hours). A new one joins the latest check-in's
 * message when that one was also all within limits, nobody answered it (an answer is a record
 * people look back at), and it is of the same stage.
 */
export async function findCheckInFold(
  client: pg.PoolClient,
  deployment: Pick<Deployment, 'id' | 'currentPercent' | 'stageIndex'>,
  allWithinLimits: boolean,
): Promise<CheckInFold | undefined> {
  if (!allWithinLimits) return undefined;
  const latest = await client.query<{
    id: number;
    messageTs: string | null;
    decidedBy: string | null;
    payload: Record<string, unknown>;
  }>(
    `SELECT id, message_ts AS "messageTs", decided_by AS "decidedBy", payload FROM prompts
      WHERE deployment_id = $1 AND kind = 'check_in' ORDER BY id DESC LIMIT 1`,
    [deployment.id],
  );
  const previous = latest.rows[0];
  if (!previous) return undefined;
  const { payload } = previous;
  const answered = previous.decidedBy !== null && previous.decidedBy !== 'stagecoach';
  if (answered || payload.allWithinLimits !== true) return undefined;
  if (payload.percent !== deployment.currentPercent || payload.stageIndex !== deployment.stageIndex)
    return undefined;
  return {
    promptId: previous.id,
    messageTs: previous.messageTs,
    shown: numbers(payload.shown, payload.n),
    missed: numbers(payload.missedShown),
  };
}

function numbers(list: unknown, fallback?: unknown): number[] {
  if (Array.isArray(list)) return list.map(Number);
  return fallback === undefined ? [] : [Number(fallback)];
}
