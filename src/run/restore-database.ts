import { open } from 'node:fs/promises';
import path from 'node:path';
import { isAppError } from '../errors.js';
import { pgEnv, pgRedactor } from './pg-env.js';
import type { Redact } from './redact.js';
import { runCommand } from './run-command.js';
import { failedOutcome, type StepOutcome } from './step-outcome.js';

export interface RestoreDatabaseOptions {
  databaseUrl: string;
  backupFile: string;
  timeoutMs: number;
  signal?: AbortSignal;
  redact?: Redact;
}

/** The first bytes of every pg_dump custom-format archive. */
const CUSTOM_FORMAT_MAGIC = 'PGDMP';

/**
 * Restores a pg_dump backup over the database in one transaction, so a failed restore leaves
 * the database as it was rather than half-restored.
 */
export async function restoreDatabase(options: RestoreDatabaseOptions): Promise<StepOutcome> {
  const started = performance.now();
  let env: Record<string, string>;
  try {
    env = pgEnv(options.databaseUrl);
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

  // Decided by content, not by name, so a renamed file is still restored the right way.
  const command =
    format === 'custom'
      ? [
          'pg_restore',
          '--clean',
          '--if-exists',
          '--no-owner',
          '--single-transaction',
          '--no-password',
          // Only the name: host, user and password come from the environment.
          `--dbname=${database}`,
          file,
        ]
      : [
          'psql',
          '--no-psqlrc',
          '--no-password',
          '-v',
          'ON_ERROR_STOP=1',
          '--single-transaction',
          '--quiet',
          '-f',
          file,
        ];
  const outcome = await runCommand({
    command,
    cwd: path.dirname(file),
    timeoutMs: options.timeoutMs,
    env,
    signal: options.signal,
    redact: pgRedactor(options.redact, env),
  });
  const summary =
    outcome.status === 'succeeded' ? `restored ${database} from ${file}` : `${command[0]} ${outcome.summary}`;
  return { ...outcome, summary };
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
