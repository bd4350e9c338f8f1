import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The sample application's checkout, shared with local mode and `npm run demo`; its README says
// what each command does and which switches the tests use.
const templateDir = fileURLToPath(new URL('../../examples/workspace/', import.meta.url));
/** What the commands write when run in examples/workspace itself (its .gitignore lists them): never copied. */
const leftovers = new Set([
  '.invocations.log',
  '.state',
  '.fail',
  '.hang',
  'backups',
  join('ehr-frontend', 'dist'),
]);

export interface Workspace {
  /** Absolute path of the copy; pass it as WORKSPACE_DIR. */
  dir: string;
  /** One `<name> <args...>` line per command run, oldest first. */
  invocations(): Promise<string[]>;
  /** The next runs of command `name` print an error (with a fake secret) and exit 1. */
  fail(name: string): Promise<void>;
  /** The next runs of command `name` start a child `sleep 300` and wait on it. */
  hang(name: string): Promise<void>;
  /** Undoes fail() and hang() for `name`. */
  heal(name: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** A fresh copy of examples/workspace, so tests never share state or dirty the original. */
export async function makeWorkspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'stagecoach-workspace-'));
  await cp(templateDir, dir, {
    recursive: true,
    filter: (source) => !leftovers.has(relative(templateDir, source)),
  });
  await makeShellScriptsExecutable(dir);
  // The tests run no sample app: its smoke and integration tests pass without calling one.
  await mkdir(join(dir, '.state'), { recursive: true });
  await writeFile(join(dir, '.state', 'no-app'), '');
  // The application's log, for the post-deploy error scan. Created here rather than shipped in
  // examples/workspace because the repository ignores *.log.
  await writeFile(join(dir, 'application.log'), '');

  const setSwitch = async (kind: '.fail' | '.hang', name: string) => {
    await mkdir(join(dir, kind), { recursive: true });
    await writeFile(join(dir, kind, name), '');
  };

  return {
    dir,
    async invocations() {
      const log = await readFile(join(dir, '.invocations.log'), 'utf8').catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return '';
          throw error;
        },
      );
      return log.split('\n').filter((line) => line !== '');
    },
    fail: (name) => setSwitch('.fail', name),
    hang: (name) => setSwitch('.hang', name),
    async heal(name) {
      await rm(join(dir, '.fail', name), { force: true });
      await rm(join(dir, '.hang', name), { force: true });
    },
    // Retries: a command stopped a moment ago may still be closing a file it wrote.
    cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }),
  };
}

// cp keeps modes, but a checkout that lost them (an archive, a core.fileMode=false clone) would
// make every plan command fail with EACCES, which looks like a bot bug.
async function makeShellScriptsExecutable(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith('.sh')) {
      await chmod(join(entry.parentPath, entry.name), 0o755);
    }
  }
}
