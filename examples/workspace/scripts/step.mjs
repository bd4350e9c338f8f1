// Shared by the workspace's node commands: finds the workspace and the sample app, records the call
// and honours the failure and hang switches.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolved from this file, not the cwd: npm and Stagecoach run commands from different folders.
export const workspaceRoot = fileURLToPath(new URL('..', import.meta.url));
export const stateDir = join(workspaceRoot, '.state');

/**
 * Appends `<name> <args...>` to .invocations.log. A file .fail/<name> makes the step print `error`
 * and exit 1, to try what Stagecoach does then; a file .hang/<name> makes it wait on a child
 * `sleep 300`, like a command that hangs. Returns the command's arguments.
 */
export async function beginStep(name, { error }) {
  const args = process.argv.slice(2);
  appendFileSync(join(workspaceRoot, '.invocations.log'), `${[name, ...args].join(' ')}\n`);
  if (existsSync(join(workspaceRoot, '.fail', name))) {
    console.error(`${name}: ${error}`);
    // A leaked credential, as real tools print them: Stagecoach redacts it from the step's output.
    console.error('  while using DATABASE_URL=postgres://deploy@db.internal:5432/medplum?password=hunter2');
    process.exit(1);
  }
  if (existsSync(join(workspaceRoot, '.hang', name))) {
    console.log(`${name}: waiting for the remote side...`);
    // A child process, so only killing the whole tree ends the step.
    const child = spawn('sleep', ['300'], { stdio: 'inherit' });
    const [code] = await once(child, 'exit');
    process.exit(code ?? 1);
  }
  return args;
}

export function option(args, name) {
  const prefix = `--${name}=`;
  return args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

export function readState(name) {
  try {
    return readFileSync(join(stateDir, name), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where the sample app listens: it writes its URL into the shared state directory when it starts.
 * Undefined when a file .state/no-app says there is no app to call (the tests' copies of this
 * folder: test/support/workspace.ts); exits with an error when the app should be there but is not.
 */
export function appUrl() {
  if (existsSync(join(stateDir, 'no-app'))) return undefined;
  const url = readState('app-url');
  if (!url) {
    console.error(
      `the sample app is not running: start it with STATE_DIR=${stateDir} node examples/sample-app/server.mjs`,
    );
    process.exit(1);
  }
  return url;
}
