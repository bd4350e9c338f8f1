// Stored step ids must keep reading and writing the same way: existing step runs hold them.
import { describe, expect, it } from 'vitest';
import { identityOf, type StepIdentity, stepIdOf } from '../../../../src/deploy/model/step-identity.js';

describe('step identity', () => {
  it('reads the ids stored in step runs', () => {
    expect(identityOf('migrations')).toEqual({ kind: 'plan', stepId: 'migrations' });
    expect(identityOf('shift_to_half')).toEqual({ kind: 'shift', stageId: 'half' });
    expect(identityOf('revert')).toEqual({ kind: 'rollback', which: 'revert' });
    expect(identityOf('restore_database')).toEqual({ kind: 'rollback', which: 'restore_database' });
  });

  it('writes the ids existing deployments already hold', () => {
    const identities: StepIdentity[] = [
      { kind: 'plan', stepId: 'build' },
      { kind: 'shift', stageId: 'full_rollout' },
      { kind: 'rollback', which: 'revert' },
      { kind: 'rollback', which: 'restore_database' },
    ];
    expect(identities.map(stepIdOf)).toEqual([
      'build',
      'shift_to_full_rollout',
      'revert',
      'restore_database',
    ]);
    for (const identity of identities) expect(identityOf(stepIdOf(identity))).toEqual(identity);
  });
});
