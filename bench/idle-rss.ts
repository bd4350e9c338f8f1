import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface IdleRssResults {
  /** Resident memory of the whole process tree, MB, a few seconds after /healthz answered. */
  compiledMb: number;
  tsxMb: number;
}

/**
 * Issue #17: `npm run start:prod` (compiled JavaScript, plain node) against `npm start` (tsx),
 * idle in local mode: resident memory of each process tree once it serves /healthz. Builds dist/
 * first when it is missing.
 */
export async function benchIdleRss(input: {
  databaseUrl: string;
  redisUrl: string;
}): Promise<IdleRssResults> {
  if (!existsSync('dist/src/main.js'))
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const compiledMb = await idleRss(['node', 'dist/src/main.js'], input);
  const tsxMb = await idleRss(['node_modules/.bin/tsx', 'src/main.ts'], input);
  return { compiledMb, tsxMb };
}

async function idleRss(command: string[], input: { databaseUrl: string; redisUrl: string }): Promise<number> {
  const port = await freePort();
  const [program, ...args] = command as [string, ...string[]];
  const child = spawn(program, [...args, '--local'], {
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: input.databaseUrl,
      REDIS_URL: input.redisUrl,
      LOG_LEVEL: 'warn',
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
    },
    stdio: 'ignore',
    detached: true,
  });
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      await sleep(200);
    }
    await sleep(3_000);
    return Math.round((await treeRssKb(child.pid as number)) / 1024);
  } finally {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** VmRSS of a process and all its descendants (tsx runs the app in a child process). */
async function treeRssKb(root: number): Promise<number> {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    parents.set(Number(entry), ppid);
    rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
  }
  const inTree = (pid: number): boolean => {
    for (let at = pid, hops = 0; at > 1 && hops < 50; at = parents.get(at) ?? 0, hops++)
      if (at === root) return true;
    return false;
  };
  return [...rss].filter(([pid]) => inTree(pid)).reduce((sum, [, kb]) => sum + kb, 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
