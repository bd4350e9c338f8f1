import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLog } from '../../../../src/infra/run/scan-log.js';

const patterns = ['error', 'FATAL'];
const since = new Date('2026-11-26T04:30:00.000Z');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'stagecoach-scan-log-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function log(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe('scanLog', () => {
  it('reports errors written since the deployment began, continuation lines included', async () => {
    const file = await log('app.log', [
      '2026-11-26T04:00:00.000Z ERROR old failure before the deploy',
      '    at old (/srv/app/old.js:1:1) error',
      '2026-11-26T04:31:00.000Z INFO started v4.0.0',
      '2026-11-26T04:32:00.000Z Error: cannot connect to FHIR server',
      '    at connect (/srv/app/db.js:10:5) error context',
      '2026-11-26T04:33:00.000Z INFO healthy',
    ]);
    const outcome = await scanLog({ file, since, patterns });
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: '2 matching lines since 2026-11-26T04:30:00.000Z (4 lines scanned)',
    });
    expect(outcome.outputTail).toBe(
      '2026-11-26T04:32:00.000Z Error: cannot connect to FHIR server\n    at connect (/srv/app/db.js:10:5) error context',
    );
  });

  it('passes when nothing matched since the deployment began', async () => {
    const file = await log('quiet.log', [
      '[2026-11-26 03:00:00Z] FATAL long ago',
      '[2026-11-26 04:30:00Z] INFO deploy started',
      '[2026-11-26 04:31:00Z] INFO all good',
    ]);
    const outcome = await scanLog({ file, since, patterns });
    expect(outcome).toMatchObject({
      status: 'succeeded',
      summary: 'no errors since 2026-11-26T04:30:00.000Z (2 lines scanned)',
      outputTail: '',
    });
  });

  it('reads bracketed local times', async () => {
    const localSince = new Date(2026, 10, 26, 4, 30, 0);
    const file = await log('local.log', [
      '[2026-11-26 04:29:59] ERROR before',
      '[2026-11-26 04:30:01] FATAL after',
    ]);
    const outcome = await scanLog({ file, since: localSince, patterns });
    expect(outcome.status).toBe('failed');
    expect(outcome.outputTail).toBe('[2026-11-26 04:30:01] FATAL after');
  });

  it('gives lines before the first timestamp that first timestamp', async () => {
    const file = await log('boot.log', ['Error: config reload failed', '2026-11-26T04:35:00Z INFO up']);
    const outcome = await scanLog({ file, since, patterns });
    expect(outcome.summary).toBe('1 matching line since 2026-11-26T04:30:00.000Z (2 lines scanned)');
  });

  it('falls back to the byte offset when the log has no timestamps', async () => {
    const file = await log('plain.log', ['error: from yesterday', 'ok']);
    const sinceOffset = (await stat(file)).size;
    await appendFile(file, 'request served\nERROR: payment webhook failed\n');
    const outcome = await scanLog({ file, since, patterns, sinceOffset });
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: '1 matching line since 2026-11-26T04:30:00.000Z (2 lines scanned)',
    });
    expect(outcome.outputTail).toBe(
      `log has no timestamps: scanned from byte ${sinceOffset}\nERROR: payment webhook failed`,
    );
  });

  it('reads a whole untimestamped log that shrank since the deployment began', async () => {
    const file = await log('rotated.log', ['fatal: after rotation']);
    const outcome = await scanLog({ file, since, patterns, sinceOffset: 10_000 });
    expect(outcome.status).toBe('failed');
    expect(outcome.outputTail).toContain('(rotated?): scanned all of it');
  });

  it('fails, never passes, when the log file is missing', async () => {
    const file = path.join(dir, 'missing.log');
    expect(await scanLog({ file, since, patterns })).toMatchObject({
      status: 'failed',
      summary: `log file not found: ${file}`,
    });
  });

  it('shows matching lines redacted and at most 20 of them', async () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) => `2026-11-26T04:40:${String(i).padStart(2, '0')}Z ERROR db password=hunter2`,
    );
    const file = await log('noisy.log', lines);
    const outcome = await scanLog({ file, since, patterns });
    const tail = outcome.outputTail.split('\n');
    expect(tail).toHaveLength(21);
    expect(tail[0]).toBe('2026-11-26T04:40:00Z ERROR db password=[redacted]');
    expect(tail[20]).toBe('… 10 more');
    expect(outcome.outputTail).not.toContain('hunter2');
  });
});
