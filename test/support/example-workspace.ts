import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/** What an example's scripts write when run in the folder itself (its .gitignore lists them): never copied. */
const leftovers = new Set(['.invocations.log', '.state', '.fail', '.hang', 'build', 'backups']);

export interface ExampleWorkspace {
  /** Absolute path of the copy; pass it as WORKSPACE_DIR. */
  dir: string;
  /** The lines of `.invocations.log`, oldest first. */
  invocations(): Promise<string[]>;
  /** The content of `.state/<name>`, trimmed; undefined when there is none. */
  state(name: string): Promise<string | undefined>;
  /** Writes `.state/<name>`. */
  setState(name: string, value: string): Promise<void>;
  /** Creates `.fail/<name>`: the next runs of script `name` fail. */
  fail(name: string): Promise<void>;
  /** Undoes fail(). */
  heal(name: string): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * A fresh copy of an example workspace such as `examples/container-service/workspace` (relative to
 * the repository root), so tests never share state or dirty the original. Unlike makeWorkspace
 * (workspace.ts, the Medplum sample's) it adds nothing to the copy.
 */
export async function makeWorkspaceFrom(sourceDir: string): Promise<ExampleWorkspace> {
  const source = resolve(sourceDir);
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-example-'));
  await cp(source, dir, { recursive: true, filter: (path) => !leftovers.has(relative(source, path)) });
  // cp keeps modes, but a checkout that lost them would fail every command with EACCES.
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.(sh|mjs)$/.test(entry.name) && entry.name !== 'lib.sh') {
      await chmod(join(entry.parentPath, entry.name), 0o755);
    }
  }
  const missing = (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  };
  return {
    dir,
    async invocations() {
      const log = await readFile(join(dir, '.invocations.log'), 'utf8').catch(missing);
      return (log ?? '').split('\n').filter((line) => line !== '');
    },
    async state(name) {
      return (await readFile(join(dir, '.state', name), 'utf8').catch(missing))?.trim();
    },
    async setState(name, value) {
      await mkdir(join(dir, '.state'), { recursive: true });
      await writeFile(join(dir, '.state', name), `${value}\n`);
    },
    async fail(name) {
      await mkdir(join(dir, '.fail'), { recursive: true });
      await writeFile(join(dir, '.fail', name), '');
    },
    heal: (name) => rm(join(dir, '.fail', name), { force: true }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
