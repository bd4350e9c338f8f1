import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isTransientDbError } from '../../../../src/infra/db/transient-error.js';

describe('which Postgres errors are worth retrying', () => {
  it('retries an exhausted pool, a refused connection and a restarted server', async () => {
    // A real exhausted pool: one connection, held, and a 50 ms wait for a second.
    const pool = new pg.Pool({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      max: 1,
      connectionTimeoutMillis: 50,
    });
    const held = await pool.connect();
    const exhausted = await pool.connect().catch((error: unknown) => error);
    held.release();
    await pool.end();
    expect(isTransientDbError(exhausted)).toBe(true);

    const refused = await new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 1_000 })
      .connect()
      .catch((error: unknown) => error);
    expect(isTransientDbError(refused)).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isTransientDbError(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(true);
  });

  it('does not retry a change that is itself wrong', async () => {
    const client = new pg.Client({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    });
    await client.connect();
    const syntax = await client.query('SELEC 1').catch((error: unknown) => error);
    const unique = await client
      .query('CREATE TEMP TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (1)')
      .catch((error: unknown) => error);
    await client.end();
    expect(isTransientDbError(syntax)).toBe(false);
    expect(isTransientDbError(unique)).toBe(false);
    expect(isTransientDbError(new TypeError('x is undefined'))).toBe(false);
  });
});
