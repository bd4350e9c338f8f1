// The backup step as a user meets it: what the plan may say, what a dry run shows, what a run reports.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupDatabaseStep } from '../../../src/steps/backup-database.js';
import { backupDatabaseSchema } from '../../../src/steps/backup-database.schema.js';
import { appDatabaseUrl } from '../../support/databases.js';
import { makeContext, makeWorkspaceDir } from './context.js';

let workspace: string;

beforeAll(async () => {
  workspace = await makeWorkspaceDir();
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('a backup_database step', () => {
  it('takes a custom or plain dump and nothing else', () => {
    expect(backupDatabaseSchema.schema.parse({ kind: 'backup_database', format: 'plain' }).format).toBe(
      'plain',
    );
    const refused = backupDatabaseSchema.schema.safeParse({ kind: 'backup_database', format: 'tar' });
    expect(refused.error?.issues[0]?.path).toEqual(['format']);
  });

  it('has nothing filled in from template variables', () => {
    expect(backupDatabaseSchema.templatedFields({ kind: 'backup_database', format: 'custom' })).toEqual([]);
  });

  it('names its kind in a dry run', () => {
    expect(backupDatabaseStep.dryRunText({ kind: 'backup_database', format: 'custom' }, {})).toBe(
      'backup_database',
    );
  });

  it('fails at once, saying what to set, without an application database', async () => {
    const outcome = await backupDatabaseStep.execute(
      { kind: 'backup_database', format: 'custom' },
      makeContext(workspace),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      outputTail: '',
      summary: 'APP_DATABASE_URL is not set: set it to the application database to back up',
    });
  });

  it('writes the dump into the backup directory, named after the environment, version and deployment', async () => {
    const ctx = makeContext(workspace);
    const outcome = await backupDatabaseStep.execute(
      { kind: 'backup_database', format: 'custom' },
      { ...ctx, settings: { ...ctx.settings, appDatabaseUrl } },
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.backupFile).toMatch(
      new RegExp(`^${ctx.settings.backupDir}/production-v4\\.0\\.0-d7-[\\dT-]+Z\\.dump$`),
    );
    expect(outcome.summary).toMatch(/^backup written to .+\.dump \(.+\)$/);
  });
});
