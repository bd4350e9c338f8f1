import { access, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { formatDuration } from './format.js';
import { createOutputLog } from './output-log.js';
import { createOutputTail } from './output-tail.js';
import { isGroupAlive, killProcessGroup } from './process-group.js';
import { createRedactor, type Redact } from './redact.js';
import { elapsedSince, failedOutcome, type StepOutcome } from './step-outcome.js';

export type { StepOutcome } from './step-outcome.js';

export interface RunCommandOptions {
  /** The file and its arguments. Never passed through a shell. */
  command: string[];
  /** Absolute: the caller resolves plan-relative directories. */
  cwd: string;
  timeoutMs: number;
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** When given, the whole environment instead of the bot's own (which holds its tokens). */
  baseEnv?: Record<string, string>;
  signal?: AbortSignal;
  /** Applied to every output line; generic secret patterns are redacted when omitted. */
  redact?: Redact;
  tailLines?: number;
  /**
   * Each redacted line as it arrives, for progress updates while the step runs. What it
   * throws is ignored: progress reporting must not change a step's outcome.
   */
  onLine?: (line: string) => void;
  /**
   * Called once the process exists, so a caller can tell a command that ran (and may have done
   * something) from one that never started. Like onLine, what it throws is ignored.
   */
  onStart?: (processGroup: number) => void;
  /** How long SIGTERM has to work before SIGKILL; 2 s unless a test wants it shorter. */
  killGraceMs?: number;
}

const DEFAULT_KILL_GRACE_MS = 2000;
/** setTimeout fires at once for delays beyond a signed 32-bit int (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export async function runCommand(options: RunCommandOptions): Promise<StepOutcome> {
  const started = performance.now();
  const { cwd, signal } = options;
  const [file, ...args] = options.command;
  if (!file) return failedOutcome('empty command', started);
  if (signal?.aborted) {
    return { status: 'cancelled', outputTail: '', durationMs: 0, summary: 'cancelled before it started' };
  }
  // Checked here because spawn reports a missing cwd as ENOENT for the command itself.
  if (!(await isDirectory(cwd))) return failedOutcome(`working directory not found: ${cwd}`, started);

  const redact = options.redact ?? createRedactor([]);
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const tail = createOutputTail({ maxLines: options.tailLines });
  const fullOutput = createOutputLog();
  const subprocess = execa(file, args, {
    cwd,
    env: options.baseEnv ? { ...options.baseEnv, ...options.env } : options.env,
    extendEnv: !options.baseEnv,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    // Its own process group, so that one signal to -pid reaches every descendant.
    detached: true,
  });
  const pgid = subprocess.pid;
  // No pid: spawn failed (missing program, not executable) and nothing ran.
  if (pgid !== undefined) notify(() => options.onStart?.(pgid));

  let stopped: 'timed_out' | 'cancelled' | undefined;
  let exited = false;
  let straysKilled = false;
  let killing: Promise<void> | undefined;
  const stop = (reason: 'timed_out' | 'cancelled') => {
    if (stopped || exited || pgid === undefined) return;
    stopped = reason;
    killing = killProcessGroup(pgid, graceMs);
  };
  // Our own timer rather than execa's `timeout`, which signals only the direct child.
  const timer = setTimeout(() => stop('timed_out'), Math.min(options.timeoutMs, MAX_TIMER_MS));
  const onAbort = () => stop('cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });
  subprocess.once('exit', () => {
    exited = true;
    clearTimeout(timer);
    if (stopped || pgid === undefined) return;
    // Background children that outlive the command would hold its output pipe open and
    // stall the step until the timeout; a finished step leaves nothing running.
    killing = (async () => {
      if (!(await isGroupAlive(pgid))) return;
      straysKilled = true;
      await killProcessGroup(pgid, graceMs);
    })();
  });

  try {
    for await (const raw of subprocess.iterable({ from: 'all' })) {
      const line = redact(lastRewrite(raw));
      tail.push(line);
      fullOutput.push(line);
      notify(() => options.onLine?.(line));
    }
    const result = await subprocess;
    await killing;
    const outcome = {
      outputTail: tail.text(),
      fullOutput: fullOutput.text(),
      durationMs: elapsedSince(started),
    };
    if (stopped === 'timed_out') {
      const summary = `timed out after ${formatDuration(options.timeoutMs)}; process tree killed`;
      return { ...outcome, status: 'timed_out', summary };
    }
    if (stopped === 'cancelled') {
      return { ...outcome, status: 'cancelled', summary: 'cancelled; process tree killed' };
    }
    if (result.exitCode === undefined && result.signal === undefined) {
      const summary = redact(await describeSpawnFailure(result.code, file, cwd));
      return { ...outcome, status: 'failed', summary };
    }
    const strays = straysKilled ? '; stray background processes killed' : '';
    if (result.exitCode === undefined) {
      return { ...outcome, status: 'failed', summary: `killed by ${result.signal}${strays}` };
    }
    const status = result.exitCode === 0 ? 'succeeded' : 'failed';
    return {
      ...outcome,
      status,
      exitCode: result.exitCode,
      summary: `exit code ${result.exitCode}${strays}`,
    };
  } catch (error) {
    // A bug here must not leave the step's processes running unattended.
    if (!exited && pgid !== undefined) await killProcessGroup(pgid, graceMs);
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Calls a caller's hook; a hook that throws must not change the step's outcome. */
function notify(hook: (() => void) | undefined): void {
  try {
    hook?.();
  } catch {
    // Throwing out of the loop would make execa wait for the command to finish on its own.
  }
}

/** Progress bars redraw a line with \r; only the final drawing is worth keeping. */
function lastRewrite(line: string): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  return trimmed.slice(trimmed.lastIndexOf('\r') + 1);
}

async function describeSpawnFailure(code: string | undefined, file: string, cwd: string): Promise<string> {
  switch (code) {
    case 'ENOENT':
      if (!file.includes('/')) return `not found on PATH: ${file}`;
      // execve also says ENOENT when the script exists but its #! interpreter does not.
      return (await exists(path.resolve(cwd, file)))
        ? `cannot run ${file}: its #! interpreter was not found`
        : `not found: ${file}`;
    case 'EACCES':
      return `not executable: ${file}`;
    case 'ENOEXEC':
      return `not executable: ${file} (missing #! line?)`;
    default:
      return `could not start ${file}: ${code ?? 'unknown error'}`;
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
