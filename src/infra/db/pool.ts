import pg from 'pg';

// bigint ids come back as strings by default; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Db = pg.Pool;
export type DbClient = pg.PoolClient | pg.Pool;

/**
 * Every session gives up on a lock after `lockTimeoutMs` and on a statement after
 * `statementTimeoutMs`: a wait on a lock becomes an error someone sees, never a hang. Lock order,
 * everywhere: deployments → prompts → timers → step_runs → notifications (docs/architecture.md).
 */
export const sessionTimeouts = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 30_000,
  idleInTransactionMs: 60_000,
};

export function createPool(connectionString: string, onError: (error: Error) => void, max = 20): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    allowExitOnIdle: true,
    lock_timeout: sessionTimeouts.lockTimeoutMs,
    statement_timeout: sessionTimeouts.statementTimeoutMs,
    idle_in_transaction_session_timeout: sessionTimeouts.idleInTransactionMs,
  });
  // An idle client's error is re-emitted here; without a listener it would crash the process.
  pool.on('error', onError);
  // A checked-out client has no pool listener: a backend ended by a Postgres restart between two
  // queries would be an unhandled 'error' and end the process. Its next query fails instead, the
  // transaction rolls back, and the pool discards the client on release.
  pool.on('connect', (client) => {
    client.on('error', onError);
  });
  return pool;
}

/** Runs `work` in one transaction on one client. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
