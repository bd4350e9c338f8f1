// pg_dump, pg_restore and psql get a minimal environment: the bot's Slack token never reaches them.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backupDatabase, restoreDatabase } from '../../../../src/infra/run/backup-database.js';
import { pgToolEnv } from '../../../../src/infra/run/pg-env.js';

const url = 'postgres://app:s3cret-pw@db.internal:6432/ehr?sslmode=require';
const token = 'xoxb-1234-5678-not-a-real-token';
let dir: string;
let fakeBin: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stagecoach-pg-tool-env-'));
  fakeBin = path.join(dir, 'bin');
  // Stand-ins that write down the environment they were given, then fail like a broken tool.
  await mkdir(fakeBin);
  for (const tool of ['pg_dump', 'pg_restore', 'psql']) {
    await writeFile(
      path.join(fakeBin, tool),
      `#!/bin/sh\nenv > '${path.join(dir, `${tool}.env`)}'\nexit 1\n`,
      {
        mode: 0o755,
      },
    );
  }
});

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The variables the stand-in for `tool` was started with. */
async function envOf(tool: string): Promise<Record<string, string>> {
  const text = await readFile(path.join(dir, `${tool}.env`), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('pgToolEnv', () => {
  it("keeps PATH, HOME, locale and TZ of the bot's environment, adds the URL's libpq variables, and nothing else", () => {
    const env = pgToolEnv(url, {
      PATH: '/usr/bin',
      HOME: '/home/stagecoach',
      LANG: 'en_US.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'Europe/Paris',
      SLACK_BOT_TOKEN: token,
      DATABASE_URL: 'postgres://stagecoach:other@bot-db/stagecoach',
      AWS_SECRET_ACCESS_KEY: 'aws-secret',
      NODE_OPTIONS: '--inspect',
      // The bot's own libpq settings would connect the tools somewhere the URL does not say.
      PGPASSWORD: 'bots-own-password',
      PGSERVICE: 'elsewhere',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/stagecoach',
      LANG: 'en_US.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'Europe/Paris',
      PGHOST: 'db.internal',
      PGPORT: '6432',
      PGUSER: 'app',
      PGPASSWORD: 's3cret-pw',
      PGDATABASE: 'ehr',
      PGSSLMODE: 'require',
    });
  });
});

describe('the backup and restore runners', () => {
  const stubBotEnv = () => {
    vi.stubEnv('PATH', `${fakeBin}:${process.env.PATH ?? ''}`);
    vi.stubEnv('SLACK_BOT_TOKEN', token);
    vi.stubEnv('DATABASE_URL', 'postgres://stagecoach:bot-db-password@bot-db/stagecoach');
  };
  const expectMinimal = (env: Record<string, string>) => {
    expect(env).not.toHaveProperty('SLACK_BOT_TOKEN');
    expect(env).not.toHaveProperty('DATABASE_URL');
    expect(JSON.stringify(env)).not.toContain(token);
    // Still enough to reach the database the URL names.
    expect(env).toMatchObject({
      PGHOST: 'db.internal',
      PGUSER: 'app',
      PGPASSWORD: 's3cret-pw',
      PGDATABASE: 'ehr',
    });
    expect(env.PATH?.startsWith(fakeBin)).toBe(true);
  };

  it('start pg_dump without the Slack token', async () => {
    stubBotEnv();
    const outcome = await backupDatabase({
      databaseUrl: url,
      directory: path.join(dir, 'backups'),
      format: 'custom',
      label: 'pre-v4.0.0',
      timeoutMs: 10_000,
    });
    expect(outcome).toMatchObject({ status: 'failed', summary: 'pg_dump exit code 1' });
    expectMinimal(await envOf('pg_dump'));
  });

  it('start pg_restore and psql without the Slack token', async () => {
    stubBotEnv();
    const custom = path.join(dir, 'backup.dump');
    await writeFile(custom, 'PGDMP fake archive');
    const fromCustom = await restoreDatabase({ databaseUrl: url, backupFile: custom, timeoutMs: 10_000 });
    expect(fromCustom).toMatchObject({ status: 'failed', summary: 'pg_restore exit code 1' });
    expectMinimal(await envOf('pg_restore'));

    const plain = path.join(dir, 'backup.sql');
    await writeFile(plain, 'SELECT 1;\n');
    const fromPlain = await restoreDatabase({ databaseUrl: url, backupFile: plain, timeoutMs: 10_000 });
    expect(fromPlain).toMatchObject({ status: 'failed', summary: 'psql exit code 1' });
    expectMinimal(await envOf('psql'));
  });
});
