// After a rollback's restore, the application can still use its database as its own role (issue #14):
// owners and grants come back as they were at the backup, not handed to the bot's user.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../src/infra/run/backup-database.js';
import { adminDatabaseUrl } from '../support/databases.js';

const suffix = randomBytes(4).toString('hex');
const database = `stagecoach_restore_privileges_${suffix}`;
/** Owns the application's tables, like the role a real application connects as; no superuser. */
const appRole = `stagecoach_app_owner_${suffix}`;
/** Owns the database and runs the backup and restore, like a bot given the database owner's login. */
const dbOwner = `stagecoach_db_owner_${suffix}`;

const urlFor = (user: string) => {
  const url = new URL(adminDatabaseUrl);
  url.username = user;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
};
const superuserUrl = (() => {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
})();

let dir: string;

async function connect<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const asAdmin = (sql: string) => connect(adminDatabaseUrl, (c) => c.query(sql));
const asApp = (sql: string) => connect(urlFor(appRole), (c) => c.query(sql));

/** What the application's role built before the deployment: its own tables in public and in a schema of its own. */
async function createApplicationDatabase(): Promise<void> {
  await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await asAdmin(`CREATE DATABASE ${database} OWNER ${dbOwner}`);
  await connect(superuserUrl, async (db) => {
    // PostgreSQL 15: only the database owner may create in public unless granted.
    await db.query(`GRANT CREATE ON SCHEMA public TO ${appRole}`);
    await db.query(`CREATE SCHEMA audit AUTHORIZATION ${appRole}`);
    await db.query(`SET ROLE ${appRole}`);
    await db.query(`CREATE TABLE patients (id serial PRIMARY KEY, name text NOT NULL)`);
    await db.query(`INSERT INTO patients (name) VALUES ('ada'), ('grace')`);
    await db.query(`CREATE TABLE audit.events (id serial PRIMARY KEY, what text NOT NULL)`);
    await db.query(`INSERT INTO audit.events (what) VALUES ('created')`);
  });
}

/** What the deployment's migrations did, as the application's role. */
async function migrate(): Promise<void> {
  await asApp(`ALTER TABLE patients ADD COLUMN preferred_language text NOT NULL DEFAULT 'en'`);
  await asApp(`CREATE TABLE consent (id serial PRIMARY KEY, patient_id integer REFERENCES patients (id))`);
  await asApp(`UPDATE patients SET name = upper(name)`);
}

/** The application at work after the restore: writes and updates every table it owns. */
async function expectApplicationWorks(): Promise<void> {
  await asApp(`INSERT INTO patients (name) VALUES ('linus')`);
  await asApp(`UPDATE patients SET name = 'Ada' WHERE name = 'ada'`);
  expect((await asApp('SELECT name FROM patients ORDER BY id')).rows.map((r) => r.name)).toEqual([
    'Ada',
    'grace',
    'linus',
  ]);
  await asApp(`INSERT INTO audit.events (what) VALUES ('restored')`);
  await asApp(`UPDATE audit.events SET what = 'created at first' WHERE id = 1`);
  expect((await asApp('SELECT what FROM audit.events ORDER BY id')).rows.map((r) => r.what)).toEqual([
    'created at first',
    'restored',
  ]);
  // Its next migration can run too.
  await asApp('CREATE TABLE after_restore (id integer)');
}

/** Owners and grants of the application's schemas and tables, to compare before and after. */
async function privileges(): Promise<unknown[]> {
  return connect(superuserUrl, async (db) => [
    ...(
      await db.query(
        `SELECT nspname, nspowner::regrole::text AS owner, nspacl::text AS acl FROM pg_namespace
         WHERE nspname IN ('public', 'audit') ORDER BY nspname`,
      )
    ).rows,
    ...(
      await db.query(
        `SELECT schemaname, tablename, tableowner FROM pg_tables
         WHERE schemaname IN ('public', 'audit') ORDER BY schemaname, tablename`,
      )
    ).rows,
  ]);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stagecoach-restore-privileges-'));
  await asAdmin(`CREATE ROLE ${appRole} LOGIN NOSUPERUSER`);
  await asAdmin(`CREATE ROLE ${dbOwner} LOGIN NOSUPERUSER IN ROLE ${appRole}`);
});

afterAll(async () => {
  await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await asAdmin(`DROP ROLE IF EXISTS ${dbOwner}`);
  await asAdmin(`DROP ROLE IF EXISTS ${appRole}`);
  await rm(dir, { recursive: true, force: true });
});

describe('a database restore the application survives', () => {
  const cases = [
    { format: 'custom', bot: 'a superuser', url: superuserUrl },
    { format: 'plain', bot: 'a superuser', url: superuserUrl },
    { format: 'custom', bot: 'the database owner (no superuser)', url: urlFor(dbOwner) },
  ] as const;

  it.each(cases)(
    '$format backup, restored by $bot: the application role can use its tables again',
    async ({ format, url }) => {
      await createApplicationDatabase();
      const before = await privileges();
      const backup = await backupDatabase({
        databaseUrl: url,
        directory: dir,
        format,
        label: `pre-v4.0.0-${format}`,
        timeoutMs: 60_000,
      });
      expect(backup.status).toBe('succeeded');

      await migrate();
      const restore = await restoreDatabase({
        databaseUrl: url,
        backupFile: backup.backupFile ?? '',
        timeoutMs: 60_000,
      });
      expect(restore).toMatchObject({
        status: 'succeeded',
        summary: `restored ${database} from ${backup.backupFile}`,
      });

      const after = await privileges();

      // What the application sees first: its rows, as they were before the migration.
      expect((await asApp('SELECT * FROM public.patients ORDER BY id')).rows).toEqual([
        { id: 1, name: 'ada' },
        { id: 2, name: 'grace' },
      ]);
      expect((await asApp(`SELECT to_regclass('consent') AS t`)).rows[0].t).toBeNull();
      await expectApplicationWorks();
      expect(after).toEqual(before);
    },
  );
});
