import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../../../src/infra/run/redact.js';
import { runCommand } from '../../../../src/infra/run/run-command.js';
import { isRunning } from './process-liveness.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stagecoach-run-command-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`, { mode });
  return file;
}

/** The script writes its background child's pid here; the test checks that child afterwards. */
async function readPid(file: string): Promise<number> {
  for (let i = 0; i < 100; i += 1) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.trim()) return Number(text.trim());
    await sleep(20);
  }
  throw new Error(`no pid written to ${file}`);
}

// Starts a grandchild that would outlive its parent, and waits on it like a hung step.
const hangingBody = 'sleep 300 &\necho "$!" > "$1"\necho waiting\nwait';

describe('runCommand', () => {
  it('reports success with stdout and stderr interleaved in the tail', async () => {
    const file = await script('ok.sh', 'echo one\necho two >&2\necho three');
    const outcome = await runCommand({ command: [file], cwd: dir, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ status: 'succeeded', exitCode: 0, summary: 'exit code 0' });
    // Two pipes: each stream keeps its order, but not their order relative to each other.
    expect(outcome.outputTail.split('\n').sort()).toEqual(['one', 'three', 'two']);
    expect(outcome.outputTail.indexOf('one')).toBeLessThan(outcome.outputTail.indexOf('three'));
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('passes arguments as they are, with no shell to expand them', async () => {
    const file = await script('args.sh', 'for a in "$@"; do echo "[$a]"; done');
    const outcome = await runCommand({ command: [file, '$(id)', 'a b', '*'], cwd: dir, timeoutMs: 10_000 });
    expect(outcome.outputTail).toBe('[$(id)]\n[a b]\n[*]');
  });

  it('runs in the given directory with the given environment added', async () => {
    const file = await script(
      'env.sh',
      'pwd\necho "stage=$STAGE_NAME"\n[ -n "$PATH" ] && echo "path set: yes"',
    );
    const outcome = await runCommand({
      command: [file],
      cwd: dir,
      timeoutMs: 10_000,
      env: { STAGE_NAME: 'canary' },
    });
    expect(outcome.outputTail.split('\n')).toEqual([dir, 'stage=canary', 'path set: yes']);
  });

  it('reports a failing exit code', async () => {
    const file = await script('fail.sh', 'echo "migration 42 failed" >&2\nexit 3');
    const outcome = await runCommand({ command: [file], cwd: dir, timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 3, summary: 'exit code 3' });
    expect(outcome.outputTail).toContain('migration 42 failed');
  });

  it('keeps only the last lines of a long output', async () => {
    const file = await script('long.sh', 'i=1\nwhile [ $i -le 100 ]; do echo "line $i"; i=$((i+1)); done');
    const outcome = await runCommand({ command: [file], cwd: dir, timeoutMs: 10_000, tailLines: 5 });
    expect(outcome.outputTail.split('\n')).toEqual([
      '… 95 earlier lines omitted',
      'line 96',
      'line 97',
      'line 98',
      'line 99',
      'line 100',
    ]);
    // The whole output is kept beside the tail, for [Full output].
    expect(outcome.fullOutput?.split('\n')).toHaveLength(100);
    expect(outcome.fullOutput?.startsWith('line 1\nline 2\n')).toBe(true);
  });

  it('never lets a password or a known secret reach the tail or the full output', async () => {
    const file = await script(
      'leak.sh',
      'echo "connecting with password=hunter2"\necho "key is s3cr3t-value" >&2',
    );
    const redact = createRedactor(['s3cr3t-value']);
    const outcome = await runCommand({ command: [file], cwd: dir, timeoutMs: 10_000, redact });
    expect(outcome.outputTail).toBe('connecting with password=[redacted]\nkey is [redacted]');
    expect(outcome.fullOutput).toBe('connecting with password=[redacted]\nkey is [redacted]');

    const lines: string[] = [];
    const generic = await runCommand({
      command: [file],
      cwd: dir,
      timeoutMs: 10_000,
      onLine: (l) => lines.push(l),
    });
    expect(generic.outputTail).not.toContain('hunter2');
    expect(lines[0]).toBe('connecting with password=[redacted]');
  });

  it('ignores a failing progress listener', async () => {
    const file = await script('progress.sh', 'echo a\necho b');
    const onLine = () => {
      throw new Error('Slack is down');
    };
    const outcome = await runCommand({ command: [file], cwd: dir, timeoutMs: 10_000, onLine });
    expect(outcome).toMatchObject({ status: 'succeeded', outputTail: 'a\nb' });
  });

  it('answers a missing command with a clear summary instead of throwing', async () => {
    const missing = await runCommand({ command: ['./missing.sh'], cwd: dir, timeoutMs: 10_000 });
    expect(missing).toMatchObject({ status: 'failed', summary: 'not found: ./missing.sh' });
    expect(missing.exitCode).toBeUndefined();

    const notOnPath = await runCommand({ command: ['stagecoach-no-such-tool'], cwd: dir, timeoutMs: 10_000 });
    expect(notOnPath.summary).toBe('not found on PATH: stagecoach-no-such-tool');

    const plain = await script('plain.sh', 'echo hi', 0o644);
    const notExecutable = await runCommand({ command: [plain], cwd: dir, timeoutMs: 10_000 });
    expect(notExecutable).toMatchObject({ status: 'failed', summary: `not executable: ${plain}` });

    const badCwd = await runCommand({ command: ['true'], cwd: path.join(dir, 'nope'), timeoutMs: 10_000 });
    expect(badCwd.summary).toBe(`working directory not found: ${path.join(dir, 'nope')}`);
  });

  it('kills the whole process tree on timeout, grandchildren included', async () => {
    const file = await script('hang.sh', hangingBody);
    const pidFile = path.join(dir, 'timeout.pid');
    const outcome = await runCommand({ command: [file, pidFile], cwd: dir, timeoutMs: 500 });
    expect(outcome).toMatchObject({
      status: 'timed_out',
      summary: 'timed out after 500ms; process tree killed',
    });
    expect(outcome.outputTail).toBe('waiting');
    expect(isRunning(await readPid(pidFile))).toBe(false);
  });

  it('follows SIGTERM with SIGKILL when the tree ignores SIGTERM', async () => {
    const file = await script('stubborn.sh', `trap '' TERM\n${hangingBody}`);
    const pidFile = path.join(dir, 'stubborn.pid');
    const outcome = await runCommand({
      command: [file, pidFile],
      cwd: dir,
      timeoutMs: 300,
      killGraceMs: 300,
    });
    expect(outcome.status).toBe('timed_out');
    expect(isRunning(await readPid(pidFile))).toBe(false);
  });

  it('cancels on abort and kills the process tree', async () => {
    const file = await script('cancel.sh', hangingBody);
    const pidFile = path.join(dir, 'cancel.pid');
    const controller = new AbortController();
    const running = runCommand({
      command: [file, pidFile],
      cwd: dir,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const pid = await readPid(pidFile);
    controller.abort();
    const outcome = await running;
    expect(outcome).toMatchObject({ status: 'cancelled', summary: 'cancelled; process tree killed' });
    expect(outcome.durationMs).toBeLessThan(10_000);
    expect(isRunning(pid)).toBe(false);
  });

  it('does not start a command whose job was already cancelled', async () => {
    const marker = path.join(dir, 'should-not-exist');
    const file = await script('touch.sh', `touch "${marker}"`);
    const outcome = await runCommand({
      command: [file],
      cwd: dir,
      timeoutMs: 10_000,
      signal: AbortSignal.abort(),
    });
    expect(outcome.status).toBe('cancelled');
    await expect(readFile(marker)).rejects.toThrow();
  });

  it('finishes when the command exits, killing background children it left behind', async () => {
    const file = await script('stray.sh', 'sleep 300 &\necho "$!" > "$1"\necho deployed');
    const pidFile = path.join(dir, 'stray.pid');
    const outcome = await runCommand({ command: [file, pidFile], cwd: dir, timeoutMs: 20_000 });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      summary: 'exit code 0; stray background processes killed',
    });
    expect(outcome.durationMs).toBeLessThan(10_000);
    expect(isRunning(await readPid(pidFile))).toBe(false);
  });
});
