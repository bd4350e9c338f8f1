import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { freePort } from './free-port.js';

export interface AppProcessOptions {
  /** Environment of the product process on top of the test's own (PORT is chosen here). */
  env: Record<string, string>;
  /** Where its stdout and stderr go; inherited when left out. */
  logFile?: string;
  /** Extra `--import` modules (e.g. a memory probe) loaded before src/main.ts. */
  imports?: string[];
  /** Open an IPC channel (for a probe that reports with process.send). */
  ipc?: boolean;
  /** The module to run; src/main.ts unless a wrapper loads it. */
  entry?: string;
  /** Run compiled JavaScript (e.g. dist/src/main.js) with plain node, without the tsx loader. */
  compiled?: boolean;
}

export interface AppProcess {
  port: number;
  baseUrl: string;
  readonly child: ChildProcess | undefined;
  /** Starts `node --import tsx src/main.ts` (`npm start`'s entry point) and waits for /healthz. */
  boot(): Promise<void>;
  /** SIGKILL and wait until it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful shutdown) and wait, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  onMessage(listener: (message: unknown) => void): void;
  /** How the last run ended when nobody here stopped it (killed from outside), if it did. */
  readonly unexpectedExit: string | undefined;
}

/** The real product as its own process, so a test can kill it for real, on a port chosen once. */
export async function createAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let unexpectedExit: string | undefined;
  let stopping = false;
  const listeners: ((message: unknown) => void)[] = [];

  const waitExit = async (target: ChildProcess) => {
    if (target.exitCode !== null || target.signalCode !== null) return;
    await once(target, 'exit');
  };

  return {
    port,
    baseUrl,
    get child() {
      return child;
    },
    async boot() {
      if (child) throw new Error('the product process is already running');
      const out = options.logFile ? openSync(options.logFile, 'a') : 'inherit';
      const imports = [...(options.compiled ? [] : ['tsx']), ...(options.imports ?? [])].flatMap((module) => [
        '--import',
        module,
      ]);
      stopping = false;
      const started = spawn(process.execPath, [...imports, options.entry ?? 'src/main.ts'], {
        env: { ...process.env, ...options.env, PORT: String(port) },
        stdio: ['ignore', out, out, ...(options.ipc ? (['ipc'] as const) : [])],
      });
      if (typeof out === 'number') closeSync(out);
      child = started;
      // A test or bench that dies must not leave the product running.
      const reap = () => started.kill('SIGKILL');
      process.once('exit', reap);
      started.once('exit', () => process.off('exit', reap));
      started.on('message', (message) => {
        for (const listener of listeners) listener(message);
      });
      started.once('exit', (code, signal) => {
        if (!stopping) unexpectedExit = signal ? `killed by ${signal}` : `exited with code ${code}`;
        if (child === started) child = undefined;
      });
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (started.exitCode !== null) {
          throw new Error(
            `the product process exited with code ${started.exitCode} during start-up${options.logFile ? ` (see ${options.logFile})` : ''}`,
          );
        }
        const up = await fetch(`${baseUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (up) return;
        if (Date.now() > deadline) throw new Error('the product process did not answer /healthz within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    get unexpectedExit() {
      return unexpectedExit;
    },
    async kill() {
      const target = child;
      if (!target) return;
      stopping = true;
      target.kill('SIGKILL');
      await waitExit(target);
      child = undefined;
    },
    async stop(graceMs = 10_000) {
      const target = child;
      if (!target) return;
      stopping = true;
      target.kill('SIGTERM');
      const timer = setTimeout(() => target.kill('SIGKILL'), graceMs);
      await waitExit(target);
      clearTimeout(timer);
      child = undefined;
    },
    onMessage(listener) {
      listeners.push(listener);
    },
  };
}
