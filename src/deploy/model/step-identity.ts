// A step run's stored id names a plan step, a traffic shift or a rollback step; it is read and written only here.

export type RollbackStep = 'revert' | 'restore_database';

/** Which step a step run executes, told apart without the plan. */
export type StepIdentity =
  | { kind: 'plan'; stepId: string }
  | { kind: 'shift'; stageId: string }
  | { kind: 'rollback'; which: RollbackStep };

const shiftPrefix = 'shift_to_';

/** The id stored in step_runs.step_id; existing rows use it, so its format must not change. */
export function stepIdOf(identity: StepIdentity): string {
  switch (identity.kind) {
    case 'plan':
      return identity.stepId;
    case 'shift':
      return `${shiftPrefix}${identity.stageId}`;
    case 'rollback':
      return identity.which;
  }
}

/**
 * Reads a stored id. A plan step may carry a derived step's name (e.g. 'revert'): the id alone
 * cannot tell them apart, so callers holding the plan look for its own step first.
 */
export function identityOf(stepId: string): StepIdentity {
  if (stepId === 'revert' || stepId === 'restore_database') return { kind: 'rollback', which: stepId };
  if (stepId.startsWith(shiftPrefix)) return { kind: 'shift', stageId: stepId.slice(shiftPrefix.length) };
  return { kind: 'plan', stepId };
}
