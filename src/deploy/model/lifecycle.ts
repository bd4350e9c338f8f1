/**
 * The deployment state machine: pure, no I/O. The service applies a transition in one
 * transaction with a compare-and-set on the current state and writes it to the audit log.
 */
export const deploymentStates = [
  'running', // plan steps or a traffic shift are executing
  'step_failed', // a step failed: retry, abort (before production changed) or roll back
  'step_interrupted', // a step was running when its worker died: retry, mark done or roll back
  'soaking', // traffic is at a stage's percentage; the soak timer is pending
  'awaiting_promotion', // the soak is over; the approvers are asked to promote
  'held', // paused by a person or by the go/no-go policy
  'success_window', // at 100%; waiting for the success criteria and the declaration
  'rolling_back', // the revert command is running
  'awaiting_restore', // reverted; a database restore waits for its separate confirmation
  'restoring', // the database restore is running
  'rollback_failed', // the revert or the restore failed: retry it
  'completed',
  'aborted',
  'rolled_back',
] as const;
export type DeploymentState = (typeof deploymentStates)[number];

export const terminalStates: readonly DeploymentState[] = ['completed', 'aborted', 'rolled_back'];

export const deploymentEvents = [
  'step_succeeded',
  'steps_done',
  'stage_live',
  'step_failed',
  'step_interrupted',
  'retry',
  'mark_done',
  'soak_ended',
  'promote',
  'skip_soak',
  'extend_soak',
  'reached_full',
  'hold',
  'resume',
  'abort',
  'rollback',
  'revert_succeeded',
  'revert_failed',
  'confirm_restore',
  'skip_restore',
  'restore_succeeded',
  'restore_failed',
  'declare_complete',
  'dry_run_finished',
] as const;
export type DeploymentEvent = (typeof deploymentEvents)[number];

type Table = { [S in DeploymentState]: Partial<Record<DeploymentEvent, DeploymentState>> };

const canRollBack = { rollback: 'rolling_back' } as const;

const table: Table = {
  running: {
    step_succeeded: 'running',
    steps_done: 'soaking',
    stage_live: 'soaking',
    reached_full: 'success_window',
    step_failed: 'step_failed',
    step_interrupted: 'step_interrupted',
    hold: 'held',
    abort: 'aborted',
    ...canRollBack,
  },
  step_failed: { retry: 'running', abort: 'aborted', ...canRollBack },
  step_interrupted: { retry: 'running', mark_done: 'running', abort: 'aborted', ...canRollBack },
  // A dry run ends by itself where a person would promote or declare: nothing to roll back or lock.
  soaking: {
    soak_ended: 'awaiting_promotion',
    skip_soak: 'running',
    hold: 'held',
    dry_run_finished: 'completed',
    ...canRollBack,
  },
  awaiting_promotion: { promote: 'running', extend_soak: 'soaking', hold: 'held', ...canRollBack },
  held: { resume: 'running', abort: 'aborted', ...canRollBack },
  success_window: {
    declare_complete: 'completed',
    hold: 'held',
    dry_run_finished: 'completed',
    ...canRollBack,
  },
  rolling_back: { revert_succeeded: 'rolled_back', revert_failed: 'rollback_failed' },
  awaiting_restore: { confirm_restore: 'restoring', skip_restore: 'rolled_back' },
  restoring: { restore_succeeded: 'rolled_back', restore_failed: 'rollback_failed' },
  rollback_failed: { retry: 'rolling_back' },
  completed: {},
  aborted: {},
  rolled_back: {},
};

export type Transition =
  | { ok: true; from: DeploymentState; to: DeploymentState }
  | { ok: false; from: DeploymentState };

/** The next state for `event`, or `ok: false` when the event is not valid in `state`. */
export function transition(
  state: DeploymentState,
  event: DeploymentEvent,
  target?: DeploymentState,
): Transition {
  const to = table[state][event];
  if (!to) return { ok: false, from: state };
  // A few events land in a state the caller chooses among the valid ones (resume goes back to where the hold began).
  if (target && (event === 'resume' || event === 'revert_succeeded' || event === 'retry')) {
    if (!isValidTarget(state, event, target)) return { ok: false, from: state };
    return { ok: true, from: state, to: target };
  }
  return { ok: true, from: state, to };
}

function isValidTarget(state: DeploymentState, event: DeploymentEvent, target: DeploymentState): boolean {
  if (event === 'resume')
    return ['running', 'soaking', 'awaiting_promotion', 'success_window'].includes(target);
  if (event === 'revert_succeeded') return target === 'rolled_back' || target === 'awaiting_restore';
  if (event === 'retry' && state === 'rollback_failed')
    return target === 'rolling_back' || target === 'restoring';
  return target === table[state][event];
}

/** Events a person can trigger in this state: the only buttons a message may show. */
export function allowedEvents(state: DeploymentState): DeploymentEvent[] {
  return Object.keys(table[state]) as DeploymentEvent[];
}

export function isTerminal(state: DeploymentState): boolean {
  return terminalStates.includes(state);
}

export function isDeploymentState(value: string): value is DeploymentState {
  return (deploymentStates as readonly string[]).includes(value);
}
