// Runs a `kind: backup_database` step: pg_dump of the application database, kept for a restore.
import { backupDatabase } from '../infra/run/backup-database.js';
import type { BackupDatabaseRun } from './backup-database.schema.js';
import { refuseUnsetSetting } from './refuse-unset-setting.js';
import type { StepKind } from './step-kind.js';

export const backupDatabaseStep: StepKind<BackupDatabaseRun> = {
  kind: 'backup_database',
  async execute(run, ctx) {
    const { settings, deployment } = ctx;
    if (!settings.appDatabaseUrl)
      return refuseUnsetSetting(ctx, 'APP_DATABASE_URL', 'set it to the application database to back up');
    return backupDatabase({
      databaseUrl: settings.appDatabaseUrl,
      directory: settings.backupDir,
      format: run.format,
      label: `${deployment.environment}-${deployment.version}-d${deployment.id}`,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      redact: ctx.redact,
      onStart: ctx.onProcessGroup,
    });
  },
  dryRunText: (run) => run.kind,
};
