import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { parse, stringify } from 'yaml';
import { waitUntil } from './wait.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The shipped plan with test-friendly edits, written where a child process can load it. */
// biome-ignore lint/suspicious/noExplicitAny: a test edits the raw YAML tree freely before the schema sees it.
export async function writePlan(path: string, edit: (plan: Record<string, any>) => void): Promise<string> {
  const plan = parse(await readFile('templates/plans/medplum-v4.yaml', 'utf8'));
  edit(plan);
  await writeFile(path, stringify(plan));
  return path;
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
