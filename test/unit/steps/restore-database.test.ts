// The rollback's restore step: what a dry run shows and why it refuses to run.
import { describe, expect, it } from 'vitest';
import { restoreDatabaseStep } from '../../../src/steps/restore-database.js';
import { makeContext } from './context.js';

const restore = { kind: 'restore_database' } as const;

describe('the rollback restore_database step', () => {
  it('names its kind in a dry run', () => {
    expect(restoreDatabaseStep.dryRunText(restore, {})).toBe('restore_database');
  });

  it('fails at once, saying what to set, without an application database', async () => {
    const outcome = await restoreDatabaseStep.execute(restore, makeContext('/tmp'));
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: 'APP_DATABASE_URL is not set: set it to the application database to restore',
    });
  });

  it('refuses to restore when no backup was taken', async () => {
    const ctx = makeContext('/tmp');
    const outcome = await restoreDatabaseStep.execute(restore, {
      ...ctx,
      settings: { ...ctx.settings, appDatabaseUrl: 'postgres://nobody@127.0.0.1:1/app' },
    });
    expect(outcome).toEqual({
      status: 'failed',
      outputTail: '',
      durationMs: 0,
      summary: 'no pre-deployment backup was recorded for this deployment',
    });
  });
});
