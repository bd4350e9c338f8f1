// The artifact check as a user meets it: what the plan may say, what a dry run shows, what a run reports.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkArtifactsStep } from '../../../src/steps/check-artifacts.js';
import { checkArtifactsSchema } from '../../../src/steps/check-artifacts.schema.js';
import { firstProblem, makeContext, makeWorkspaceDir } from './context.js';

let workspace: string;

beforeAll(async () => {
  workspace = await makeWorkspaceDir();
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('a check_artifacts step', () => {
  it('refuses a path outside the workspace', () => {
    expect(firstProblem(checkArtifactsSchema.schema, { kind: 'check_artifacts', path: '/var/www' })).toBe(
      "must stay inside the workspace — fix: write it relative to WORKSPACE_DIR, without a leading '/' or '..'",
    );
  });

  it('has its path checked for template variables', () => {
    expect(
      checkArtifactsSchema.templatedFields({ kind: 'check_artifacts', path: 'dist/{{version}}' }),
    ).toEqual([[['path'], 'dist/{{version}}']]);
  });

  it('names its kind in a dry run', () => {
    expect(checkArtifactsStep.dryRunText({ kind: 'check_artifacts', path: 'dist' }, {})).toBe(
      'check_artifacts',
    );
  });

  it('looks in the directory the plan names, variables filled in, below the workspace', async () => {
    const dist = path.join(workspace, 'dist', 'v4.0.0');
    await mkdir(dist, { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html>');
    const outcome = await checkArtifactsStep.execute(
      { kind: 'check_artifacts', path: 'dist/{{version}}' },
      makeContext(workspace),
    );
    expect(outcome).toMatchObject({ status: 'succeeded', summary: `1 entry in ${dist}` });
  });

  it('fails on a build that wrote nothing', async () => {
    const outcome = await checkArtifactsStep.execute(
      { kind: 'check_artifacts', path: 'out' },
      makeContext(workspace),
    );
    expect(outcome).toMatchObject({ status: 'failed', summary: `directory not found: ${workspace}/out` });
  });
});
