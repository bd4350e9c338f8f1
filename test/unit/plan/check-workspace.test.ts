import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWorkspace, describeWorkspaceProblem } from '../../../src/plan/check-workspace.js';
import { loadPlan } from '../../../src/plan/load-plan.js';
import type { Plan } from '../../../src/plan/schema.js';
import { makeWorkspace, type Workspace } from '../../support/workspace.js';

const samplePlan = loadPlan('templates/plans/medplum-v4.yaml');
const PATH = process.env.PATH ?? '';

describe('checkWorkspace: what the plan names, in the workspace', () => {
  let ws: Workspace;
  let plan: Plan;
  beforeEach(async () => {
    ws = await makeWorkspace();
    plan = structuredClone(samplePlan);
  });
  afterEach(async () => {
    await ws.cleanup();
  });
  const check = (overrides: { path?: string } = {}) =>
    checkWorkspace(plan, { workspaceDir: ws.dir, path: PATH, ...overrides });
  const stepRun = (id: string) => {
    const step = plan.steps.find((candidate) => candidate.id === id);
    if (step?.run.kind !== 'command') throw new Error(`${id} is not a command step`);
    return step.run;
  };

  it('finds nothing missing for the sample plan in the sample workspace', () => {
    expect(check()).toEqual([]);
  });

  it('names every command that runs a deleted script, with its step and the fix', async () => {
    await rm(join(ws.dir, 'deploy-frontend.sh'));
    const problems = check();
    const paths = problems.map((problem) => problem.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'steps.5.run.command.0',
        'rollback.revert.command.0',
        'rollback.currentVersion.command.0',
      ]),
    );
    const step = problems.find((problem) => problem.stepId === 'frontend');
    expect(step?.what).toMatch(/program '\.\/deploy-frontend\.sh' does not exist/);
    expect(describeWorkspaceProblem(step as never)).toMatch(/^step frontend: .* — fix: /);
  });

  it('says a script that lost its executable bit needs chmod +x', async () => {
    await chmod(join(ws.dir, 'ehr-frontend', 'phase5-test-runner.sh'), 0o644);
    const [problem] = check();
    expect(problem?.stepId).toBe('verification_tests');
    expect(problem?.what).toMatch(/is not executable/);
    expect(problem?.fix).toMatch(/chmod \+x .*phase5-test-runner\.sh/);
  });

  it('looks bare program names such as npm and pg_dump up on PATH', async () => {
    const empty = join(ws.dir, 'empty-bin');
    await mkdir(empty);
    const problems = check({ path: empty });
    const missing = new Set(problems.map((problem) => problem.what));
    expect(missing).toContain("program 'npm' is not on PATH");
    expect(missing).toContain("program 'pg_dump' is not on PATH");
    expect(missing).toContain("program 'pg_restore' is not on PATH");
    expect(problems.find((problem) => problem.stepId === 'build')?.fix).toMatch(/install npm/);
  });

  it('names a working directory that is not in the checkout', async () => {
    await rm(join(ws.dir, 'packages'), { recursive: true });
    const problems = check();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: ['steps', 4, 'run', 'cwd'], stepId: 'infrastructure' });
    expect(problems[0]?.what).toMatch(/working directory 'packages\/cdk' does not exist/);
  });

  it('skips a cwd or program with a template variable: it is only known at run time', () => {
    stepRun('build').cwd = 'builds/{{version}}';
    stepRun('migrations').command = ['{{workspaceDir}}/bin/migrate'];
    expect(check()).toEqual([]);
  });

  it('does not refuse what an earlier checkout step creates, but does without that step', () => {
    stepRun('build').cwd = 'app/ehr-frontend';
    stepRun('build').command = ['./app/build.sh'];
    const refused = check();
    expect(refused.map((problem) => problem.path.join('.'))).toEqual(['steps.2.run.cwd']);

    stepRun('verification_tests').command = ['git', 'clone', 'https://example.com/app.git', 'app'];
    expect(check()).toEqual([]);
  });

  it('names a missing notice template', async () => {
    plan.notificationTemplate = 'templates/no-such-notice.md';
    const problems = check();
    expect(problems).toEqual([
      expect.objectContaining({
        path: ['notificationTemplate'],
        what: expect.stringMatching(/no-such-notice/),
      }),
    ]);
  });

  it('says so once when the workspace itself is missing', async () => {
    const problems = checkWorkspace(plan, { workspaceDir: join(ws.dir, 'nope'), path: PATH });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.fix).toMatch(/WORKSPACE_DIR/);
  });

  it('reads a script in a step cwd relative to that cwd', async () => {
    await writeFile(join(ws.dir, 'ehr-frontend', 'check.sh'), '#!/bin/sh\n', { mode: 0o755 });
    stepRun('build').command = ['./check.sh'];
    expect(check()).toEqual([]);
  });
});
