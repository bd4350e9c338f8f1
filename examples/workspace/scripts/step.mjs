// Shared by the workspace's node commands: finds the workspace, the sample app and the failure switch.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Resolved from this file, not the cwd: npm and Stagecoach run commands from different folders.
export const workspaceRoot = fileURLToPath(new URL('..', import.meta.url));
export const stateDir = join(workspaceRoot, '.state');

/** A file .fail/<name> makes the step print `error` and exit 1, to try what Stagecoach does then. */
export function beginStep(name, { error }) {
  if (existsSync(join(workspaceRoot, '.fail', name))) {
    console.error(`${name}: ${error}`);
    process.exit(1);
  }
  return process.argv.slice(2);
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

/** Where the sample app listens: it writes its URL into the shared state directory when it starts. */
export function appUrl() {
  const url = readState('app-url');
  if (!url) {
    console.error(
      `the sample app is not running: start it with STATE_DIR=${stateDir} node examples/sample-app/server.mjs`,
    );
    process.exit(1);
  }
  return url;
}
