import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isGroupAlive, killProcessGroup } from '../../../../src/infra/run/process-group.js';

describe('a step command process group', () => {
  it('is alive while its command runs and gone once it exited', async () => {
    const child = spawn('sleep', ['0.2'], { detached: true, stdio: 'ignore' });
    const pgid = child.pid as number;
    expect(await isGroupAlive(pgid)).toBe(true);
    await once(child, 'exit');
    expect(await isGroupAlive(pgid)).toBe(false);
  });

  it('is alive while a background child outlives the command, and gone once it is killed', async () => {
    const child = spawn('bash', ['-c', 'sleep 30 & exit 0'], { detached: true, stdio: 'ignore' });
    const pgid = child.pid as number;
    await once(child, 'exit');
    expect(await isGroupAlive(pgid)).toBe(true);
    await killProcessGroup(pgid, 1_000);
    expect(await isGroupAlive(pgid)).toBe(false);
  });
});
