import type { DeploymentState } from '../../deploy/model/lifecycle.js';
import type { StepStatus } from '../../infra/db/step-runs.js';

export const stateLabels: Record<DeploymentState, string> = {
  running: ':arrow_forward: Running',
  step_failed: ':x: Halted: a step failed',
  step_interrupted: ':warning: Halted: a step was interrupted',
  soaking: ':hourglass_flowing_sand: Soaking',
  awaiting_promotion: ':raised_hand: Waiting for promotion approval',
  held: ':double_vertical_bar: On hold',
  success_window: ':eyes: Last stage: success window',
  rolling_back: ':rewind: Rolling back',
  awaiting_restore: ':floppy_disk: Reverted: database restore awaits confirmation',
  restoring: ':floppy_disk: Restoring the database',
  rollback_failed: ':rotating_light: Rollback failed',
  completed: ':white_check_mark: Completed',
  aborted: ':no_entry: Aborted',
  rolled_back: ':leftwards_arrow_with_hook: Rolled back',
};

/** A line without its leading emoji shortcode (":stethoscope: Check-in" → "Check-in"). */
export const withoutLeadingEmoji = (text: string): string => text.replace(/^:[a-z0-9_+-]+: /, '');

/** The state's label without its leading emoji, for notification text and sentences: "Rolled back". */
export const plainStateLabel = (state: DeploymentState): string => withoutLeadingEmoji(stateLabels[state]);

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

/** `command`: a traffic command moves each stage; `none`: stages are observation windows. */
export type TrafficMode = 'command' | 'none';

/**
 * Where a deployment's traffic stands, as a traffic command set it: a percentage under a traffic
 * command, never one under `traffic: none`.
 */
export function trafficLabel(
  mode: TrafficMode,
  deployment: { currentPercent: number; stageIndex: number | null },
): string {
  if (mode === 'command') return `${deployment.currentPercent}%`;
  return deployment.stageIndex === null ? 'no traffic control' : 'all users (no traffic control)';
}

/** ` (50%)` after a stage's name, or nothing when the plan has no traffic control. */
export const stagePercent = (
  mode: TrafficMode | undefined,
  stage: { percent?: number | undefined },
): string => (mode === 'none' ? '' : ` (${stage.percent}%)`);

/**
 * The rollout in one sentence for people outside the deployment team, from the plan's stages: the
 * shares a traffic command sets, or under `traffic: none` no share at all.
 */
export function rolloutSentence(
  mode: TrafficMode,
  stages: readonly { name: string; percent?: number | undefined; minSoak: number }[],
  formatSpan: (ms: number) => string,
): string {
  if (mode === 'none')
    return `There is no traffic control: the new version reaches all users at once and is watched through ${stages.length} stage${stages.length === 1 ? '' : 's'} (${stages.map((stage) => stage.name).join(', ')}).`;
  const parts = stages.map((stage, i) => {
    const share = stage.percent === 100 ? 'everyone' : `${stage.percent}% of users`;
    const previous = stages[i - 1];
    if (!previous) return `The new version reaches ${share} first`;
    return previous.minSoak > 0 ? `${share} after at least ${formatSpan(previous.minSoak)} more` : share;
  });
  return `${parts.join(', then ')}.`;
}
