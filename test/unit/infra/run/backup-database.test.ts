import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../../../src/infra/run/backup-database.js';
import { adminDatabaseUrl } from '../../../support/databases.js';

const scratchName = 'stagecoach_run_test';
const scratchUrl = (() => {
  const url = new URL(adminDatabaseUrl);
  url.pathname = `/${scratchName}`;
  return url.toString();
})();
const releases = [
  { id: 1, version: 'v3.9.0' },
  { id: 2, version: 'v3.9.1' },
  { id: 3, version: 'v4.0.0-rc.1' },
];

let dir: string;

async function withAdmin(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminDatabaseUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

async function query(sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: scratchUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

async function releaseRows(): Promise<unknown[]> {
  return (await query('SELECT id, version FROM releases ORDER BY id')).rows;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stagecoach-backup-'));
  await withAdmin(async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${scratchName}`);
  });
});

beforeEach(async () => {
  await query('DROP TABLE IF EXISTS releases');
  await query('CREATE TABLE releases (id integer PRIMARY KEY, version text NOT NULL)');
  await query(`INSERT INTO releases VALUES ${releases.map((r) => `(${r.id}, '${r.version}')`).join(', ')}`);
});

afterAll(async () => {
  await withAdmin((admin) =>
    admin.query(`DROP DATABASE IF EXISTS ${scratchName} WITH (FORCE)`).then(() => {}),
  );
  await rm(dir, { recursive: true, force: true });
});

describe('backupDatabase and restoreDatabase', () => {
  it('a custom-format backup can be listed and brings a dropped table back', async () => {
    const backup = await backupDatabase({
      databaseUrl: scratchUrl,
      directory: path.join(dir, 'custom'),
      format: 'custom',
      label: 'pre-v4.0.0',
      timeoutMs: 60_000,
    });
    expect(backup.status).toBe('succeeded');
    expect(backup.backupFile).toMatch(/custom\/pre-v4\.0\.0-\d{4}-\d{2}-\d{2}T[\d-]+Z\.dump$/);
    expect(backup.summary).toMatch(/^backup written to .+\.dump \(\d+(\.\d)? (B|KB)\)$/);

    const listing = await execa('pg_restore', ['--list', backup.backupFile ?? '']);
    expect(listing.stdout).toContain('TABLE public releases');

    await query('DROP TABLE releases');
    const restore = await restoreDatabase({
      databaseUrl: scratchUrl,
      backupFile: backup.backupFile ?? '',
      timeoutMs: 60_000,
    });
    expect(restore).toMatchObject({
      status: 'succeeded',
      summary: `restored ${scratchName} from ${backup.backupFile}`,
    });
    expect(await releaseRows()).toEqual(releases);
  });

  it('a plain SQL backup restores over changed data, recognised by content not name', async () => {
    const backup = await backupDatabase({
      databaseUrl: scratchUrl,
      directory: dir,
      format: 'plain',
      label: '../escape attempt',
      timeoutMs: 60_000,
    });
    expect(backup.status).toBe('succeeded');
    expect(path.dirname(backup.backupFile ?? '')).toBe(dir);
    expect(path.basename(backup.backupFile ?? '')).toMatch(/^-escape-attempt-.+\.sql$/);

    await query('DELETE FROM releases WHERE id = 1');
    await query("INSERT INTO releases VALUES (4, 'v4.0.0')");
    const restore = await restoreDatabase({
      databaseUrl: scratchUrl,
      backupFile: backup.backupFile ?? '',
      timeoutMs: 60_000,
    });
    expect(restore.status).toBe('succeeded');
    expect(await releaseRows()).toEqual(releases);
  });

  it('a failed dump leaves no file behind and keeps the password out of the answer', async () => {
    const url = new URL(adminDatabaseUrl);
    url.password = 'hunter2-not-used';
    url.pathname = '/stagecoach_no_such_database';
    const directory = path.join(dir, 'failed');
    const backup = await backupDatabase({
      databaseUrl: url.toString(),
      directory,
      format: 'custom',
      label: 'pre-v4.0.0',
      timeoutMs: 60_000,
    });
    expect(backup).toMatchObject({ status: 'failed', summary: 'pg_dump exit code 1' });
    expect(backup.backupFile).toBeUndefined();
    expect(backup.outputTail).toContain('stagecoach_no_such_database');
    expect(JSON.stringify(backup)).not.toContain('hunter2-not-used');
    expect(await readdir(directory)).toEqual([]);
  });

  it('a restore fails clearly, changing nothing, when the backup is missing or broken', async () => {
    const missing = path.join(dir, 'missing.dump');
    const gone = await restoreDatabase({ databaseUrl: scratchUrl, backupFile: missing, timeoutMs: 60_000 });
    expect(gone).toMatchObject({ status: 'failed', summary: `backup file not found: ${missing}` });

    const broken = path.join(dir, 'broken.sql');
    await writeFile(broken, 'DELETE FROM releases;\nTHIS IS NOT SQL;\n');
    const outcome = await restoreDatabase({ databaseUrl: scratchUrl, backupFile: broken, timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ status: 'failed', summary: 'psql exit code 3' });
    expect(outcome.outputTail).toMatch(/ERROR/);
    // One transaction: the DELETE before the error was rolled back.
    expect(await releaseRows()).toEqual(releases);
  });

  it('answers a malformed database URL instead of throwing', async () => {
    const outcome = await backupDatabase({
      databaseUrl: 'mysql://root@db/ehr',
      directory: dir,
      format: 'custom',
      label: 'x',
      timeoutMs: 1000,
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toContain('postgres://');
  });
});
