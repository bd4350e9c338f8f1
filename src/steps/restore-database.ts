// Runs the rollback's database restore; no plan writes this kind, Stagecoach derives it (resolve-step.ts).
import { restoreDatabase } from '../infra/run/restore-database.js';
import { refuseUnsetSetting } from './refuse-unset-setting.js';
import type { StepKind } from './step-kind.js';

export interface RestoreDatabaseRun {
  kind: 'restore_database';
}

export const restoreDatabaseStep: StepKind<RestoreDatabaseRun> = {
  kind: 'restore_database',
  async execute(_run, ctx) {
    const { settings, deployment } = ctx;
    if (!settings.appDatabaseUrl)
      return refuseUnsetSetting(ctx, 'APP_DATABASE_URL', 'set it to the application database to restore');
    if (!deployment.backupFile) {
      return {
        status: 'failed',
        outputTail: '',
        durationMs: 0,
        summary: 'no pre-deployment backup was recorded for this deployment',
      };
    }
    return restoreDatabase({
      databaseUrl: settings.appDatabaseUrl,
      backupFile: deployment.backupFile,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      redact: ctx.redact,
      onStart: ctx.onProcessGroup,
    });
  },
  dryRunText: (run) => run.kind,
};
