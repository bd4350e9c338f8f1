import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 50;

/**
 * Whether any live process remains in the group. `kill(-pgid, 0)` answering "no such process"
 * settles it: nothing is left, not even a zombie (the usual case once a step exits, and one signal
 * instead of reading every /proc entry of the machine). Otherwise, on Linux, we read /proc because
 * killed orphans can linger as zombies when PID 1 does not reap (common in containers), and
 * `kill(-pgid, 0)` counts zombies as present.
 */
export async function isGroupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    // EPERM means something is there that we may not signal; treat it as alive.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform === 'linux') {
    try {
      return await hasLiveMember(pgid);
    } catch {
      // /proc unreadable (hardened mount): the signal's answer stands.
    }
  }
  return true;
}

async function hasLiveMember(pgid: number): Promise<boolean> {
  const entries = await readdir('/proc');
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = await readFile(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name, which may itself contain spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

/**
 * SIGTERM to the whole group, then SIGKILL after `graceMs` if anything is still alive, so a
 * step that ignores SIGTERM or left background children behind cannot outlive the step.
 */
export async function killProcessGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    if (!(await isGroupAlive(pgid))) return;
    await sleep(POLL_MS);
  }
  signalGroup(pgid, 'SIGKILL');
}
