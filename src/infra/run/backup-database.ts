import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAppError } from '../../errors.js';
import { formatBytes } from './format.js';
import { pgRedactor, pgToolEnv } from './pg-env.js';
import type { Redact } from './redact.js';
import { runCommand } from './run-command.js';
import { elapsedSince, failedOutcome, type StepOutcome } from './step-outcome.js';

// Callers reach the whole backup-and-restore pair, and pgEnv and pgToolEnv, through this module.
export { pgEnv, pgToolEnv } from './pg-env.js';
export { type RestoreDatabaseOptions, restoreDatabase } from './restore-database.js';

export interface BackupDatabaseOptions {
  databaseUrl: string;
  directory: string;
  format: 'custom' | 'plain';
  /** Names the file, e.g. 'pre-v4.0.0'; anything but letters, digits, '.', '_', '-' becomes '-'. */
  label: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Each child's process group as it starts, so a reconciler can kill what a dead bot left running. */
  onStart?: (processGroup: number) => void;
  redact?: Redact;
  now?: () => Date;
}

export type BackupOutcome = StepOutcome & { backupFile?: string };

/** The shortest budget the readability check gets, even when pg_dump used up most of it. */
const MIN_VERIFY_MS = 5000;

export async function backupDatabase(options: BackupDatabaseOptions): Promise<BackupOutcome> {
  const started = performance.now();
  let env: Record<string, string>;
  try {
    env = pgToolEnv(options.databaseUrl);
  } catch (error) {
    if (isAppError(error)) return failedOutcome(error.message, started);
    throw error;
  }
  const redact = pgRedactor(options.redact, env);
  const directory = path.resolve(options.directory);
  const stamp = (options.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const label = options.label.replace(/[^\w.-]/g, '-').replace(/^\.+/, '') || 'backup';
  const file = path.join(directory, `${label}-${stamp}.${options.format === 'custom' ? 'dump' : 'sql'}`);
  try {
    // Dumps hold the application's data: only the bot's user may read a new directory.
    await mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    return failedOutcome(`cannot create backup directory ${directory}: ${code}`, started);
  }

  // Owners and grants are kept (no --no-owner, no --no-acl): a restore that hands every table to
  // the bot's user leaves the application locked out of its own schema.
  const command = [
    'pg_dump',
    `--format=${options.format}`,
    // Fail instead of waiting for a password prompt nobody will answer.
    '--no-password',
    // A plain dump carries its own DROPs so that restoring it over the live database works;
    // for the custom format pg_restore adds them.
    ...(options.format === 'plain' ? ['--clean', '--if-exists'] : []),
    '--file',
    file,
  ];
  // The whole environment, not an addition to the bot's: it holds the Slack token.
  const run = { cwd: directory, baseEnv: env, signal: options.signal, redact, onStart: options.onStart };
  const dump = await runCommand({ ...run, command, timeoutMs: options.timeoutMs });
  if (dump.status !== 'succeeded') {
    // A partial file must never be mistaken for a backup later.
    await rm(file, { force: true });
    return { ...dump, durationMs: elapsedSince(started), summary: `pg_dump ${dump.summary}` };
  }

  if (options.format === 'custom') {
    // A backup nobody can read is no backup: prove pg_restore can list it.
    const remaining = Math.max(MIN_VERIFY_MS, options.timeoutMs - elapsedSince(started));
    const list = await runCommand({ ...run, command: ['pg_restore', '--list', file], timeoutMs: remaining });
    if (list.status !== 'succeeded') {
      await rm(file, { force: true });
      return {
        ...list,
        durationMs: elapsedSince(started),
        summary: `backup unreadable: pg_restore --list ${list.summary}`,
      };
    }
  }

  const { size } = await stat(file);
  return {
    ...dump,
    durationMs: elapsedSince(started),
    backupFile: file,
    summary: `backup written to ${file} (${formatBytes(size)})`,
  };
}
