import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArtifacts } from '../../../../src/infra/run/check-artifacts.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stagecoach-artifacts-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkArtifacts', () => {
  it('passes a build output and lists it like ls -la', async () => {
    const dist = path.join(dir, 'dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html>');
    await writeFile(path.join(dist, 'assets', 'app.js'), 'x'.repeat(2048));
    const outcome = await checkArtifacts(dist);
    expect(outcome).toMatchObject({ status: 'succeeded', summary: `2 entries in ${dist}` });
    const lines = outcome.outputTail.split('\n');
    expect(lines[0]).toBe(`${dist}:`);
    expect(lines[1]).toMatch(/^drwx[-rwx]{6}\s+[\d.]+ \w+\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+assets\/$/);
    expect(lines[2]).toMatch(/^-rw-[-rwx]{6}\s+15 B\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+index\.html$/);
  });

  it('finds a file below subdirectories and through a symlink', async () => {
    const nested = path.join(dir, 'nested');
    await mkdir(path.join(nested, 'a', 'b'), { recursive: true });
    await writeFile(path.join(nested, 'a', 'b', 'bundle.js'), 'ok');
    expect((await checkArtifacts(nested)).status).toBe('succeeded');

    const linked = path.join(dir, 'linked');
    await mkdir(linked);
    await symlink(path.join(nested, 'a', 'b', 'bundle.js'), path.join(linked, 'bundle.js'));
    expect((await checkArtifacts(linked)).status).toBe('succeeded');
  });

  it('shows at most 20 entries and counts the rest', async () => {
    const many = path.join(dir, 'many');
    await mkdir(many);
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        writeFile(path.join(many, `chunk-${String(i).padStart(2, '0')}.js`), ''),
      ),
    );
    const outcome = await checkArtifacts(many);
    const lines = outcome.outputTail.split('\n');
    expect(lines).toHaveLength(22);
    expect(lines.at(-1)).toBe('… and 5 more');
    expect(outcome.summary).toBe(`25 entries in ${many}`);
  });

  it('fails a missing directory, a file, an empty directory, and empty subdirectories', async () => {
    const missing = path.join(dir, 'missing');
    expect(await checkArtifacts(missing)).toMatchObject({
      status: 'failed',
      summary: `directory not found: ${missing}`,
    });

    const file = path.join(dir, 'file.txt');
    await writeFile(file, 'x');
    expect((await checkArtifacts(file)).summary).toBe(`not a directory: ${file}`);

    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    expect((await checkArtifacts(empty)).summary).toBe(`directory is empty: ${empty}`);

    const hollow = path.join(dir, 'hollow');
    await mkdir(path.join(hollow, 'assets', 'img'), { recursive: true });
    const outcome = await checkArtifacts(hollow);
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: `no files in ${hollow}, only empty directories`,
    });
    expect(outcome.outputTail).toContain('assets/');
  });
});
