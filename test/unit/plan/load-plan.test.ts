import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { formatPath, loadPlan, parsePlan } from '../../../src/plan/load-plan.js';

const shipped = readFileSync('templates/plans/medplum-v4.yaml', 'utf8');

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

describe('loadPlan', () => {
  it('names a plan file that cannot be read and how to fix it', () => {
    expect(messageOf(() => loadPlan('templates/plans/missing.yaml'))).toBe(
      'templates/plans/missing.yaml: cannot read the plan (ENOENT) — fix: set PLAN_FILE to an existing plan file',
    );
  });

  it('names the file and line of a YAML syntax error', () => {
    const text = shipped.replace(
      'application: Medplum EHR\n',
      'application: Medplum EHR\napplication: again\n',
    );
    expect(messageOf(() => parsePlan(text, 'plans/dup.yaml'))).toMatch(
      /^plans\/dup\.yaml: line 11, column 1: YAML syntax error: Map keys must be unique — fix: .+$/,
    );
  });

  it('points at the line of a validation problem', () => {
    const text = shipped.replace('    percent: 50\n', '    percent: 150\n');
    const line = shipped.split('\n').indexOf('    percent: 50') + 1;
    expect(messageOf(() => parsePlan(text, 'x.yaml'))).toContain(
      `x.yaml: stages[1].percent: expected a number from 1 to 100 — fix: use a whole-number percentage of traffic, e.g. 10, 50 or 100 (line ${line})`,
    );
  });

  it('says an empty file is not a plan', () => {
    expect(messageOf(() => parsePlan('', 'empty.yaml'))).toMatch(
      /^empty\.yaml: the plan must be a mapping, not an empty value — fix: /,
    );
  });
});

describe('formatPath', () => {
  it('writes paths the way the YAML reads', () => {
    expect(formatPath(['stages', 1, 'percent'])).toBe('stages[1].percent');
    expect(formatPath(['steps', 0, 'run', 'command', 2])).toBe('steps[0].run.command[2]');
  });
});
