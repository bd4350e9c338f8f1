// The registry: every kind a plan may write has a way to run, and unknown kinds are named.
import { describe, expect, it } from 'vitest';
import { findStepKind, stepKinds } from '../../../src/steps/index.js';
import { stepRunSchema } from '../../../src/steps/index.schema.js';

describe('the step kinds', () => {
  it('can run every kind a plan may write, and the rollback restore', () => {
    const planKinds = stepRunSchema.options.map((option) => option.shape.kind.value);
    expect(planKinds).toEqual(['command', 'backup_database', 'check_artifacts', 'http_check', 'scan_log']);
    expect(Object.keys(stepKinds)).toEqual([...planKinds, 'restore_database']);
  });

  it('finds the kind that runs a step', () => {
    expect(findStepKind({ kind: 'scan_log', file: 'app.log', patterns: ['ERROR'] })).toBe(stepKinds.scan_log);
  });

  it('offers the known kinds, in order, when a plan names an unknown one', () => {
    const result = stepRunSchema.safeParse({ kind: 'scan_logs' });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['kind'],
      options: ['command', 'backup_database', 'check_artifacts', 'http_check', 'scan_log'],
    });
  });
});
