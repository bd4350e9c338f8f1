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
