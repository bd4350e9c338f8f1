import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from './format.js';
import { elapsedSince, failedOutcome, type StepOutcome } from './step-outcome.js';

const MAX_LISTED = 20;
/** Enough to find a file in any real build output without walking a huge tree. */
const MAX_SEARCHED = 10_000;

/**
 * A build step can exit 0 and still produce nothing; this proves the output directory holds
 * at least one file, anywhere below it, and shows what is there like `ls -la`.
 */
export async function checkArtifacts(dir: string): Promise<StepOutcome> {
  const started = performance.now();
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return failedOutcome(`directory not found: ${dir}`, started);
    if (code === 'ENOTDIR') return failedOutcome(`not a directory: ${dir}`, started);
    return failedOutcome(`cannot read ${dir}: ${code ?? 'unknown error'}`, started);
  }
  if (entries.length === 0) return failedOutcome(`directory is empty: ${dir}`, started);

  entries.sort((a, b) => a.name.localeCompare(b.name));
  const listed = await Promise.all(entries.slice(0, MAX_LISTED).map((entry) => describe(dir, entry)));
  const more = entries.length > MAX_LISTED ? [`… and ${entries.length - MAX_LISTED} more`] : [];
  const outputTail = [`${dir}:`, ...listed, ...more].join('\n');
  if (!(await containsFile(dir, entries))) {
    return failedOutcome(`no files in ${dir}, only empty directories`, started, outputTail);
  }
  const count = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`;
  return {
    status: 'succeeded',
    outputTail,
    durationMs: elapsedSince(started),
    summary: `${count} in ${dir}`,
  };
}

async function describe(dir: string, entry: Dirent): Promise<string> {
  const full = path.join(dir, entry.name);
  try {
    const info = await lstat(full);
    const when = info.mtime.toISOString().slice(0, 16).replace('T', ' ');
    const name = entry.isDirectory() ? `${entry.name}/` : entry.name;
    return `${mode(info)} ${formatBytes(info.size).padStart(9)}  ${when}  ${name}`;
  } catch {
    return `?????????? ${'?'.padStart(9)}  ${'?'.padEnd(16)}  ${entry.name}`;
  }
}

function mode(info: Stats): string {
  const type = info.isDirectory() ? 'd' : info.isSymbolicLink() ? 'l' : '-';
  const bits = 'rwxrwxrwx';
  const perms = [...bits].map((letter, i) => (info.mode & (0o400 >> i) ? letter : '-')).join('');
  return type + perms;
}

/** Breadth-first, so the common case (a file at the top) costs nothing more. */
async function containsFile(dir: string, top: Dirent[]): Promise<boolean> {
  const queue: Array<[string, Dirent[] | undefined]> = [[dir, top]];
  let searched = 0;
  while (queue.length > 0 && searched < MAX_SEARCHED) {
    const [current, known] = queue.shift() ?? [dir, top];
    let entries: Dirent[];
    try {
      entries = known ?? (await readdir(current, { withFileTypes: true }));
    } catch {
      continue; // an unreadable subdirectory proves nothing either way
    }
    for (const entry of entries) {
      searched += 1;
      const full = path.join(current, entry.name);
      if (entry.isFile()) return true;
      if (entry.isDirectory()) queue.push([full, undefined]);
      else if (entry.isSymbolicLink() && (await isFileTarget(full))) return true;
    }
  }
  return false;
}

async function isFileTarget(link: string): Promise<boolean> {
  try {
    return (await stat(link)).isFile();
  } catch {
    return false; // a dangling link is not an artifact
  }
}
