import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { loadSamplePlan } from '../../../src/infra/local/sample-app.js';
import { loadPlanFile } from '../../../src/plan/derive-plan.js';
import { loadPlan } from '../../../src/plan/load-plan.js';

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_plan');
    return (error as AppError).message;
  }
  throw new Error('no error');
}

describe('the demo plan', () => {
  // What templates/plans/local-demo.yaml held when it was a full copy of the Medplum plan.
  const before = loadPlan('test/fixtures/plans/local-demo.yaml');

  it('derived from the Medplum plan, is the plan the copy was', () => {
    expect(loadPlanFile('templates/plans/local-demo.overlay.yaml')).toStrictEqual(before);
  });

  it('is what the demo and the sample app load', () => {
    expect(loadSamplePlan()).toStrictEqual(before);
  });
});

describe('loadPlanFile', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const base = () => loadPlan('templates/plans/medplum-v4.yaml');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stagecoach-derive-plan-'));
    copyFileSync('templates/plans/medplum-v4.yaml', join(dir, 'base.yaml'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a plan without extends as loadPlan does, errors included', () => {
    expect(loadPlanFile('templates/plans/medplum-v4.yaml')).toStrictEqual(base());
    expect(messageOf(() => loadPlanFile('templates/plans/missing.yaml'))).toBe(
      messageOf(() => loadPlan('templates/plans/missing.yaml')),
    );
  });

  it('merges mappings key by key and replaces text and plain lists', () => {
    const file = write(
      'over.yaml',
      [
        'extends: base.yaml',
        'application: Other EHR',
        'goNoGo:',
        '  after: 45m',
        'stakeholders: [Clinical staff]',
      ].join('\n'),
    );
    const plan = loadPlanFile(file);
    expect(plan.application).toBe('Other EHR');
    expect(plan.goNoGo).toStrictEqual({ ...base().goNoGo, after: 45 * 60_000 });
    expect(plan.stakeholders).toEqual(['Clinical staff']);
    expect({ ...plan, application: '', goNoGo: null, stakeholders: [] }).toStrictEqual({
      ...base(),
      application: '',
      goNoGo: null,
      stakeholders: [],
    });
  });

  it('merges a list entry into the base entry with the same id, keeping the order', () => {
    const file = write(
      'over.yaml',
      ['extends: base.yaml', 'steps:', '  - id: build', '    timeout: 5m'].join('\n'),
    );
    const plan = loadPlanFile(file);
    expect(plan.steps.map((step) => step.id)).toEqual(base().steps.map((step) => step.id));
    const build = (steps: typeof plan.steps) => steps.find((step) => step.id === 'build');
    expect(build(plan.steps)).toStrictEqual({ ...build(base().steps), timeout: 5 * 60_000 });
  });

  it('refuses an entry id the base plan does not have', () => {
    const file = write(
      'over.yaml',
      ['extends: base.yaml', 'steps:', '  - id: bulid', '    timeout: 5m'].join('\n'),
    );
    expect(messageOf(() => loadPlanFile(file))).toBe(
      `${file}: steps: the base plan has no entry with id 'bulid' — fix: use the id of one of the base plan's steps`,
    );
  });

  it('names a base plan that cannot be read', () => {
    const file = write('over.yaml', 'extends: nowhere.yaml\n');
    expect(messageOf(() => loadPlanFile(file))).toBe(
      `${join(dir, 'nowhere.yaml')}: cannot read the base plan (ENOENT) — fix: fix the path in extends`,
    );
  });

  it('validates the merged plan and names both files', () => {
    const file = write('over.yaml', ['extends: base.yaml', 'goNoGo:', '  after: soon'].join('\n'));
    expect(messageOf(() => loadPlanFile(file))).toMatch(
      new RegExp(`^${file} \\(over base\\.yaml\\): goNoGo\\.after: `),
    );
  });
});
