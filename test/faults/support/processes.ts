import { readdir, readFile, readlink } from 'node:fs/promises';

export interface ProcessInfo {
  pid: number;
  command: string;
  state: string;
  cwd: string;
}

/** Live (not zombie) processes whose working directory is inside `dir`: what a step left running. */
export async function processesIn(dir: string): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const cwd = await readlink(`/proc/${pid}/cwd`);
      if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '?';
      if (state === 'Z' || state === 'X') continue;
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
      found.push({ pid, command, state, cwd });
    } catch {
      // exited while we looked, or not ours to read
    }
  }
  return found;
}

/** Whether `pid` is still a live process (a zombie counts as gone: it runs nothing). */
export async function isAlive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/**
 * SIGKILLs every live process whose working directory is inside `dir` (a test's own workspace
 * copy): what a step, or a bot killed mid-step, left behind. Returns what it killed.
 */
export async function killProcessesIn(dir: string): Promise<ProcessInfo[]> {
  const found = await processesIn(dir);
  for (const p of found) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return found;
}

/** The process group of `pid`, or undefined once it is gone. */
export async function processGroupOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgrp) ? pgrp : undefined;
  } catch {
    return undefined;
  }
}
