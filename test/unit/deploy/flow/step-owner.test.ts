import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  confirmDead,
  createOwner,
  heartbeatExpiresMs,
  ownerAlive,
} from '../../../../src/deploy/flow/step-owner.js';
import { isGroupAlive } from '../../../../src/infra/run/process-group.js';

const me = createOwner();
const now = new Date('2026-12-02T01:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

/** A pid that surely belongs to no process: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await once(child, 'exit');
  return child.pid as number;
}

describe('whether a running step still has a live owner', () => {
  it('on another host, only the heartbeat tells: fresh is alive, expired is dead', () => {
    const owner = { host: `${me.host}-elsewhere`, pid: 1, instance: 'x', processGroup: null };
    expect(ownerAlive({ owner, heartbeatAt: ago(1_000) }, me, now)).toBe(true);
    expect(ownerAlive({ owner, heartbeatAt: ago(heartbeatExpiresMs + 1) }, me, now)).toBe(false);
    expect(ownerAlive({ owner, heartbeatAt: null }, me, now)).toBe(false);
  });

  it('on this host, a live owner process keeps its step alive even when its heartbeat is late (Postgres was down)', async () => {
    const owner = { ...me, pid: process.ppid, instance: 'other', processGroup: null };
    expect(ownerAlive({ owner, heartbeatAt: ago(10 * heartbeatExpiresMs) }, me, now)).toBe(true);
    const gone = { ...owner, pid: await deadPid() };
    expect(ownerAlive({ owner: gone, heartbeatAt: ago(1_000) }, me, now)).toBe(false);
  });

  it('this runtime owns it: alive; another runtime of this process: alive only while it beats', () => {
    expect(ownerAlive({ owner: { ...me, processGroup: null }, heartbeatAt: null }, me, now)).toBe(true);
    const sibling = { ...me, instance: 'an-earlier-runtime', processGroup: null };
    expect(ownerAlive({ owner: sibling, heartbeatAt: ago(1_000) }, me, now)).toBe(true);
    expect(ownerAlive({ owner: sibling, heartbeatAt: null }, me, now)).toBe(false);
  });

  it('kills the command a dead bot left running before calling its step dead', async () => {
    // The step's command in its own process group, outliving the bot that started it.
    const orphan = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const group = orphan.pid as number;
    try {
      expect(await isGroupAlive(group)).toBe(true);
      const owner = { ...me, pid: await deadPid(), instance: 'dead', processGroup: group };
      expect(await confirmDead({ owner, heartbeatAt: ago(1_000) }, me, now)).toBe(true);
      expect(await isGroupAlive(group)).toBe(false);
    } finally {
      orphan.kill('SIGKILL');
    }
  });

  it('does not call a step dead while its owner on this host lives', async () => {
    const owner = { ...me, pid: process.ppid, instance: 'other', processGroup: null };
    expect(await confirmDead({ owner, heartbeatAt: null }, me, now)).toBe(false);
  });
});
