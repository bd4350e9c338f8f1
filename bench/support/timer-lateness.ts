import type pg from 'pg';
import { type Summary, summarize } from './stats.js';

/** fired_at − fire_at of every fired timer, by kind: how late the durable timers acted. */
export async function timerLateness(
  db: pg.Pool,
  kinds = ['check_in', 'soak_end'],
): Promise<Record<string, Summary & { early: number }>> {
  const result = await db.query<{ kind: string; ms: number }>(
    `SELECT kind, (extract(epoch FROM (fired_at - fire_at)) * 1000)::float8 AS ms
     FROM timers WHERE status = 'fired' AND kind = ANY($1)`,
    [kinds],
  );
  const out: Record<string, Summary & { early: number }> = {};
  for (const kind of kinds) {
    const samples = result.rows.filter((row) => row.kind === kind).map((row) => row.ms);
    out[kind] = { ...summarize(samples), early: samples.filter((ms) => ms < 0).length };
  }
  return out;
}

export async function pendingTimers(db: pg.Pool, kinds = ['check_in', 'soak_end']): Promise<number> {
  const result = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM timers WHERE status = 'pending' AND kind = ANY($1) AND fire_at < now() + interval '10 minutes'`,
    [kinds],
  );
  return result.rows[0]?.n ?? 0;
}

/**
 * When each fired check-in was written, against when it was due: its prompt row's created_at (the
 * start of the transaction that claimed the timer, after its figures were read and its turn on
 * the deployment came) − fire_at. fired_at says when the timer fired; this says when it acted.
 */
export async function checkInWrittenLateness(db: pg.Pool): Promise<Summary> {
  const result = await db.query<{ ms: number }>(
    `SELECT (extract(epoch FROM (p.created_at - t.fire_at)) * 1000)::float8 AS ms
     FROM timers t JOIN prompts p ON p.deployment_id = t.deployment_id AND p.kind = 'check_in'
       AND p.payload->>'n' = t.payload->>'n'
     WHERE t.kind = 'check_in' AND t.status = 'fired'`,
  );
  return summarize(result.rows.map((row) => row.ms));
}
