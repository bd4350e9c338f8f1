import type { DeploymentState } from '../../deploy/model/lifecycle.js';
import type { StepStatus } from '../../infra/db/step-runs.js';

export const stateLabels: Record<DeploymentState, string> = {
  running: ':arrow_forward: Running',
  step_failed: ':x: Halted: a step failed',
  step_interrupted: ':warning: Halted: a step was interrupted',
  soaking: ':hourglass_flowing_sand: Soaking',
  awaiting_promotion: ':raised_hand: Waiting for promotion approval',
  held: ':double_vertical_bar: On hold',
  success_window: ':eyes: At 100%: success window',
  rolling_back: ':rewind: Rolling back',
  awaiting_restore: ':floppy_disk: Reverted: database restore awaits confirmation',
  restoring: ':floppy_disk: Restoring the database',
  rollback_failed: ':rotating_light: Rollback failed',
  completed: ':white_check_mark: Completed',
  aborted: ':no_entry: Aborted',
  rolled_back: ':leftwards_arrow_with_hook: Rolled back',
};

/** The state's label without its leading emoji, for notification text and sentences: "Rolled back". */
export const plainStateLabel = (state: DeploymentState): string =>
  stateLabels[state].replace(/^:[a-z_]+: /, '');

export const stepStatusIcons: Record<StepStatus, string> = {
  pending: ':white_circle:',
  running: ':large_blue_circle:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  timed_out: ':alarm_clock:',
  cancelled: ':heavy_minus_sign:',
  interrupted: ':warning:',
  marked_done: ':ballot_box_with_check:',
};

export const phaseLabels: Record<string, string> = {
  pre_deployment: 'Pre-deployment',
  execution: 'Execution',
  verification: 'Verification',
  rollout: 'Rollout',
  rollback: 'Rollback',
};
