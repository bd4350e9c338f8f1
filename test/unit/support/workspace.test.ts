import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeWorkspace, type Workspace } from '../../support/workspace.js';

const run = promisify(execFile);

describe('sample workspace', () => {
  let ws: Workspace;

  beforeEach(async () => {
    ws = await makeWorkspace();
  });
  afterEach(() => ws.cleanup());

  it('records a deploy-frontend call and the traffic share it set', async () => {
    const { stdout } = await run('./deploy-frontend.sh', ['--env=production', '--percent=10'], {
      cwd: ws.dir,
    });

    expect(stdout).toContain('10%');
    expect(await ws.invocations()).toEqual(['deploy-frontend --env=production --percent=10']);
    expect(await readFile(join(ws.dir, '.state/percent'), 'utf8')).toBe('10\n');
  });

  it('fails with a leaked secret while the fail switch is on, and recovers when healed', async () => {
    await ws.fail('deploy-frontend');

    const failed = await run('./deploy-frontend.sh', ['--env=production'], { cwd: ws.dir }).catch((e) => e);
    expect(failed).toMatchObject({ code: 1 });
    expect(failed.stderr).toContain('password=hunter2');

    await ws.heal('deploy-frontend');
    await expect(run('./deploy-frontend.sh', ['--env=production'], { cwd: ws.dir })).resolves.toBeDefined();
    expect(await ws.invocations()).toHaveLength(2);
  });

  it('reports the current version and changes it on rollback', async () => {
    const current = () =>
      run(join(ws.dir, 'deploy-frontend.sh'), ['--current-version']).then((r) => r.stdout);

    expect(await current()).toBe('v3.9.0\n');
    await run(join(ws.dir, 'deploy-frontend.sh'), ['--env=production', '--rollback-to=v3.8.2']);
    expect(await current()).toBe('v3.8.2\n');
  });

  it('runs the plan commands from their own folders and records each', async () => {
    const at = (sub: string) => ({ cwd: join(ws.dir, sub) });
    await run('./ehr-frontend/phase5-test-runner.sh', [], at('.'));
    await run('npm', ['run', 'build'], at('ehr-frontend'));
    await run('npm', ['run', 'deploy', '--', '--stage=production'], at('packages/cdk'));
    const migrate = await run('npm', ['run', 'migrate'], at('.'));
    await run('npm', ['run', 'test:smoke', '--', '--env=production'], at('.'));
    await run('npm', ['run', 'test:integration'], at('.'));

    expect(migrate.stdout).toContain('schema changed: yes');
    expect(await readFile(join(ws.dir, 'ehr-frontend/dist/index.html'), 'utf8')).toContain('id="root"');
    expect(await ws.invocations()).toEqual([
      'phase5-test-runner',
      'build',
      'cdk-deploy --stage=production',
      'migrate',
      'test-smoke --env=production',
      'test-integration',
    ]);
  });

  it('hangs on a child process until the whole tree is killed', async () => {
    await ws.hang('deploy-frontend');
    const child = spawn('./deploy-frontend.sh', ['--env=production'], { cwd: ws.dir, detached: true });
    const children = () =>
      run('ps', ['-o', 'comm=', '--ppid', String(child.pid)]).then(
        (r) => r.stdout.trim(),
        () => '',
      );

    await vi.waitFor(async () => expect(await children()).toBe('sleep'), { timeout: 5000 });
    process.kill(-(child.pid as number), 'SIGKILL');
    const [, signal] = await once(child, 'exit');
    expect(signal).toBe('SIGKILL');
  });
});
