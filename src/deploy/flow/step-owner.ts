import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { StepRun, StepRunOwner } from '../../infra/db/step-runs.js';
import { isGroupAlive, killProcessGroup } from '../../infra/run/process-group.js';

/** How often a running step's claim says it is alive, and how long silence means it is dead. */
export const heartbeatEveryMs = 5_000;
export const heartbeatExpiresMs = 30_000;

export type Owner = Omit<StepRunOwner, 'processGroup'>;

/** This runtime as the owner of the steps it claims; a new instance id per runtime, even in one process. */
export function createOwner(): Owner {
  return { host: hostname(), pid: process.pid, instance: randomUUID() };
}

/** The owner of steps run with deps that name none (tests, scripts): this process. */
export const processOwner: Owner = createOwner();

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function heartbeatFresh(run: Pick<StepRun, 'heartbeatAt'>, now: Date): boolean {
  return run.heartbeatAt !== null && now.getTime() - run.heartbeatAt.getTime() < heartbeatExpiresMs;
}

/**
 * Whether a running step still has a live owner, judged from Postgres and this host only:
 * - this runtime owns it: alive;
 * - another process on this host: alive while that process exists;
 * - another runtime in this process, or another host: alive while its heartbeat is fresh.
 */
export function ownerAlive(run: Pick<StepRun, 'owner' | 'heartbeatAt'>, me: Owner, now: Date): boolean {
  const owner = run.owner;
  if (!owner) return heartbeatFresh(run, now);
  if (owner.host !== me.host) return heartbeatFresh(run, now);
  if (owner.pid !== me.pid) return processAlive(owner.pid);
  return owner.instance === me.instance || heartbeatFresh(run, now);
}

/**
 * Before a run is called interrupted, the command it started is confirmed dead: on this host its
 * process group is killed and waited for; on another host only an expired heartbeat can say so.
 * Returns false when that cannot be confirmed, so the run stays as it is for now.
 */
export async function confirmDead(run: Pick<StepRun, 'owner' | 'heartbeatAt'>, me: Owner, now: Date) {
  if (ownerAlive(run, me, now)) return false;
  const group = run.owner?.processGroup;
  if (run.owner && run.owner.host === me.host && group) {
    if (await isGroupAlive(group)) await killProcessGroup(group, 1_000);
    return !(await isGroupAlive(group));
  }
  return true;
}
