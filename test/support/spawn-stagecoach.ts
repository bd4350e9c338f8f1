import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitUntil } from './wait.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real product (`npm start`'s entry point) as a child process, so it can be killed or stopped for real. */
export async function spawnStagecoach(options: {
  role?: 'web' | 'worker' | 'all';
  port: number;
  env: Record<string, string>;
}) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', `--role=${options.role ?? 'all'}`],
    {
      env: {
        ...process.env,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        ...options.env,
        PORT: String(options.port),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitUntil(
    () =>
      fetch(`http://127.0.0.1:${options.port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ),
    { timeoutMs: 30_000, label: `stagecoach (${options.role ?? 'all'}) to listen` },
  );
  return {
    child,
    exited,
    url: `http://127.0.0.1:${options.port}`,
    async stop(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
