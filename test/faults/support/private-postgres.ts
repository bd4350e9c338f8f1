import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  url(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Why a private cluster cannot be made here, or undefined when it can. */
export async function privatePostgresUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0)
    return 'the tests do not run as root, so they cannot run initdb as the postgres user';
  try {
    await run('id', ['postgres']);
  } catch {
    return 'there is no postgres user to own a cluster';
  }
  try {
    await run(await binary('initdb'), ['--version']);
  } catch {
    return 'initdb is not installed';
  }
  return undefined;
}

/**
 * A Postgres cluster of our own (initdb into a temp dir, pg_ctl on a free port, as the postgres
 * user), so a test may stop and restart it without touching the server other runs share.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-pg-'));
  const { stdout: ids } = await run('id', ['-u', 'postgres']);
  const { stdout: gids } = await run('id', ['-g', 'postgres']);
  await chown(dir, Number(ids.trim()), Number(gids.trim()));
  const data = join(dir, 'data');
  const port = await freePort();
  const asPostgres = async (tool: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', await binary(tool), ...args], { cwd: dir });
  await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
  const start = async () => {
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-o',
      options,
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    ]);
  };
  const stop = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']);
  };
  await start();
  // A cluster left running by a test that died would hold its port and memory: stop it on exit.
  const pgCtl = await binary('pg_ctl');
  const reap = () => {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', pgCtl, '-D', data, '-m', 'immediate', 'stop'], {
        stdio: 'ignore',
      });
    } catch {
      // already stopped
    }
  };
  process.once('exit', reap);
  return {
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    stop,
    start,
    async close() {
      process.off('exit', reap);
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function binary(tool: string): Promise<string> {
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    return join(stdout.trim(), tool);
  } catch {
    return tool;
  }
}
