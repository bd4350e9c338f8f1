import pg from 'pg';
import { migrate } from '../../src/db/migrate.js';
import { testDatabaseUrl, appDatabaseUrl, adminDatabaseUrl } from './databases.js';

async function recreate(admin: pg.Client, url: string) {
  const name = new URL(url).pathname.slice(1);
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
}

/** Fresh databases for the run: Stagecoach's own, and an application database to back up and restore. */
export default async function setup() {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`Postgres is not reachable at ${adminDatabaseUrl}: start it (pg_ctlcluster 15 main start) or set TEST_DATABASE_ADMIN_URL. ${String(error)}`);
  }
  await recreate(admin, testDatabaseUrl);
  await recreate(admin, appDatabaseUrl);
  await admin.end();
  const pool = new pg.Pool({ connectionString: testDatabaseUrl });
  await migrate(pool);
  await pool.end();
}
