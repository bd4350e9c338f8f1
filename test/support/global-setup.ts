import pg from 'pg';

/** Fresh databases for this run: Stagecoach's own, and an application database to back up and restore. */
export default async function setup() {
  // Set before the test workers start, which inherit it: every run gets databases of its own.
  process.env.STAGECOACH_TEST_RUN ??= `r${process.pid}`;
  const { adminDatabaseUrl, appDatabaseUrl, testDatabaseUrl } = await import('./databases.js');
  const { migrate } = await import('../../src/infra/db/migrate.js');
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Postgres is not reachable at ${adminDatabaseUrl}: start it (pg_ctlcluster 15 main start) or set TEST_DATABASE_ADMIN_URL. ${String(error)}`,
    );
  }
  const names = [testDatabaseUrl, appDatabaseUrl].map((url) => new URL(url).pathname.slice(1));
  for (const name of names) {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  }
  const pool = new pg.Pool({ connectionString: testDatabaseUrl });
  await migrate(pool);
  await pool.end();

  return async () => {
    for (const name of names)
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  };
}
