import { readFileSync } from 'node:fs';

/**
 * Whether a pid is a running process. A killed orphan may linger as a zombie when PID 1
 * does not reap (as in this container); a zombie runs nothing, so it counts as gone.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
