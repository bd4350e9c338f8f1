import { type ChildProcess, spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { redisUrl } from '../../support/databases.js';
import { waitUntil } from '../../support/wait.js';

/** What an operator would see of a start-up: the exit code and everything printed. */
export interface StartUp {
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines on stdout (pino), parsed. */
  logLines(): { level: number; msg: string }[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `npm start`'s entry point as its own process with its output captured. Slack settings of the
 * machine running the tests are cleared, so only what a test sets counts.
 */
export function startStagecoach(options: { args?: string[]; env: Record<string, string> }): StartUp {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...(options.args ?? [])], {
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: '',
      SLACK_API_URL: '',
      ADMIN_USER_IDS: '',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A failed test must not leave the product running.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  void exited.then(() => process.off('exit', reap));
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line)),
    async stop(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** The exit code, or a failure if the process is still running after `timeoutMs`. */
export async function exitCodeWithin(run: StartUp, timeoutMs = 30_000): Promise<number | null> {
  const timedOut = Symbol('timed out');
  const result = await Promise.race([
    run.exited,
    new Promise<typeof timedOut>((resolve) => setTimeout(() => resolve(timedOut), timeoutMs).unref()),
  ]);
  if (result === timedOut) {
    await run.stop();
    throw new Error(`stagecoach was still running after ${timeoutMs} ms; it printed: ${run.stdout()}`);
  }
  return result;
}

/** Until GET /healthz answers 200 (fails early if the process exits). */
export async function waitForHealth(run: StartUp, port: number, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    async () => {
      if (run.child.exitCode !== null) throw new Error(`stagecoach exited: ${run.stderr()}`);
      return fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs, label: 'stagecoach to serve /healthz' },
  );
}

export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
