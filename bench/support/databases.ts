import pg from 'pg';
import { migrate } from '../../src/infra/db/migrate.js';

const admin = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const urlOf = (name: string) => {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
};

/** Databases of this bench run only (Stagecoach's, migrated, and an application database to back up), dropped by `drop`. */
export async function createBenchDatabases() {
  const suffix = `bench_${process.pid}`;
  const names = [`stagecoach_${suffix}`, `stagecoach_app_${suffix}`] as const;
  const client = new pg.Client({ connectionString: admin });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Postgres is not reachable at ${admin}: start it (pg_ctlcluster 15 main start) or set TEST_DATABASE_ADMIN_URL. ${String(error)}`,
    );
  }
  // Databases of earlier bench runs that died before cleaning up.
  const stale = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname ~ '^stagecoach_(app_)?bench_[0-9]+$'`,
  );
  for (const { datname } of stale.rows) {
    const pid = Number(datname.split('_').at(-1));
    if (pid !== process.pid && !isAlive(pid))
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  for (const name of names) {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  }
  const pool = new pg.Pool({ connectionString: urlOf(names[0]) });
  await migrate(pool);
  await pool.end();
  return {
    databaseUrl: urlOf(names[0]),
    appDatabaseUrl: urlOf(names[1]),
    async drop() {
      for (const name of names)
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await client.end();
    },
  };
}

export const resetTables = `TRUNCATE deployments, step_runs, audit_log, processed_slack_requests, role_assignments,
  environment_locks, timers, prompts, notifications RESTART IDENTITY CASCADE`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
