import pg from 'pg';

// bigint ids come back as strings by default; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export type Db = pg.Pool;
export type DbClient = pg.PoolClient | pg.Pool;

export function createPool(connectionString: string, onError: (error: Error) => void, max = 20): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    allowExitOnIdle: true,
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
