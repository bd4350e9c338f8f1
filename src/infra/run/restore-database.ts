import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isAppError } from '../../errors.js';
import { pgRedactor, pgToolEnv } from './pg-env.js';
import type { Redact } from './redact.js';
import { finishSql, resetSql } from './restore-sql.js';
import { runCommand } from './run-command.js';
import { failedOutcome, type StepOutcome } from './step-outcome.js';

export interface RestoreDatabaseOptions {
  databaseUrl: string;
  backupFile: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each child's process group as it starts, so a reconciler can kill what a dead bot left running. */
  onStart?: (processGroup: number) => void;
  redact?: Redact;
}

/** The first bytes of every pg_dump custom-format archive. */
const CUSTOM_FORMAT_MAGIC = 'PGDMP';

/**
 * Restores a pg_dump backup over the database in one transaction, so the database ends exactly
 * as it was at the backup, and a failed restore leaves it as it was rather than half-restored.
 */
export async function restoreDatabase(options: RestoreDatabaseOptions): Promise<StepOutcome> {
  const started = performance.now();
  let env: Record<string, string>;
  try {
    env = pgToolEnv(options.databaseUrl);
  } catch (error) {
    if (isAppError(error)) return failedOutcome(error.message, started);
    throw error;
  }
  const database = env.PGDATABASE;
  // pg_restore without --dbname prints SQL instead of restoring: never guess a target.
  if (!database) return failedOutcome('the database URL names no database to restore into', started);

  const file = path.resolve(options.backupFile);
  const format = await dumpFormat(file);
  if (format === 'missing') return failedOutcome(`backup file not found: ${file}`, started);

  // A snapshot restore must also remove what came after the snapshot (new tables, new foreign
  // keys), which `pg_restore --clean` leaves behind and then trips over. So: empty the database's
  // schemas, then replay the backup as SQL, all in one psql transaction. The replay keeps the
  // backup's owners and grants, so the application's role can use its tables afterwards.
  const work = await mkdtemp(path.join(tmpdir(), 'stagecoach-restore-'));
  // The whole environment, not an addition to the bot's: it holds the Slack token.
  const run = {
    cwd: work,
    baseEnv: env,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    redact: pgRedactor(options.redact, env),
    onStart: options.onStart,
  };
  try {
    const resetFile = path.join(work, 'reset.sql');
    const finishFile = path.join(work, 'finish.sql');
    await writeFile(resetFile, resetSql);
    await writeFile(finishFile, finishSql);
    let script = file;
    if (format === 'custom') {
      script = path.join(work, 'backup.sql');
      const converted = await runCommand({ ...run, command: ['pg_restore', `--file=${script}`, file] });
      if (converted.status !== 'succeeded')
        return { ...converted, summary: `pg_restore ${converted.summary}` };
    }
    const outcome = await runCommand({
      ...run,
      command: [
        'psql',
        '--no-psqlrc',
        '--no-password',
        '-v',
        'ON_ERROR_STOP=1',
        '--single-transaction',
        '--quiet',
        '-f',
        resetFile,
        '-f',
        script,
        '-f',
        finishFile,
      ],
    });
    const summary =
      outcome.status === 'succeeded' ? `restored ${database} from ${file}` : `psql ${outcome.summary}`;
    return { ...outcome, summary };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function dumpFormat(file: string): Promise<'custom' | 'plain' | 'missing'> {
  try {
    const handle = await open(file, 'r');
    try {
      const magic = Buffer.alloc(CUSTOM_FORMAT_MAGIC.length);
      const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
      return magic.toString('latin1', 0, bytesRead) === CUSTOM_FORMAT_MAGIC ? 'custom' : 'plain';
    } finally {
      await handle.close();
    }
  } catch {
    return 'missing';
  }
}
