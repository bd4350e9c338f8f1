// The log scan as a user meets it: what the plan may say, what a dry run shows, what a run reports.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanLogStep } from '../../../src/steps/scan-log.js';
import { type ScanLogRun, scanLogSchema } from '../../../src/steps/scan-log.schema.js';
import { firstProblem, makeContext, makeWorkspaceDir } from './context.js';

let workspace: string;

beforeAll(async () => {
  workspace = await makeWorkspaceDir();
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

const scan = (fields: Partial<ScanLogRun> = {}): ScanLogRun => ({
  kind: 'scan_log',
  file: 'logs/{{environment}}.log',
  patterns: ['\\bERROR\\b'],
  ...fields,
});

describe('a scan_log step', () => {
  it('needs at least one pattern', () => {
    expect(firstProblem(scanLogSchema.schema, scan({ patterns: [] }))).toBe(
      "needs at least one pattern — fix: add an error pattern such as '\\bERROR\\b'",
    );
  });

  it('refuses a pattern that is not a regular expression', () => {
    expect(firstProblem(scanLogSchema.schema, scan({ patterns: ['error (fatal'] }))).toMatch(
      /^is not a valid regular expression \(.*\) — fix: escape special characters/,
    );
  });

  it('has its file, not its patterns, checked for template variables', () => {
    expect(scanLogSchema.templatedFields(scan({ patterns: ['x{2}'] }))).toEqual([
      [['file'], 'logs/{{environment}}.log'],
    ]);
  });

  it('names its kind in a dry run', () => {
    expect(scanLogStep.dryRunText(scan(), {})).toBe('scan_log');
  });

  it('reports the error lines written since the deployment began', async () => {
    const ctx = makeContext(workspace);
    const before = new Date(ctx.deployment.createdAt.getTime() - 60_000).toISOString();
    const after = new Date(ctx.deployment.createdAt.getTime() + 60_000).toISOString();
    await mkdir(path.join(workspace, 'logs'));
    await writeFile(
      path.join(workspace, 'logs', 'production.log'),
      `${before} ERROR old news\n${after} INFO started\n${after} ERROR database gone\n`,
    );
    const outcome = await scanLogStep.execute(scan(), ctx);
    expect(outcome.status).toBe('failed');
    expect(outcome.summary).toMatch(/^1 matching line since /);
    expect(outcome.outputTail).toBe(`${after} ERROR database gone`);
  });
});
