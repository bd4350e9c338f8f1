import type { DeploymentState } from './lifecycle.js';

/**
 * What happens on entering a state, whoever caused it (a click, a timer, a failed step): one
 * answer in one place to "what does a rollback stop?" or "what follows completion?". Carried
 * out in the entering transaction by flow/react.ts, in the order listed.
 */
export type Reaction =
  /** Stop every rollout timer (soak ends, deadlines, check-ins, success checks, auto-rollbacks); keep the weekly review. */
  | 'disarm_rollout_timers'
  /** Stop the rollout's own timers; daily and weekly reviews go on after completion. */
  | 'disarm_live_timers'
  /** Every open prompt is stale once a rollback starts. */
  | 'close_open_prompts'
  | 'cancel_pending_steps'
  | 'stop_monitoring'
  /** Lock the environment until someone unlocks it (when the plan says so). */
  | 'lock_environment'
  /** Management ping, status page, support briefing and, for a completion, the success notice. */
  | 'announce_end'
  | 'start_documentation_checklist'
  | 'refresh_root';

export const reactionsOnEntering: Partial<Record<DeploymentState, readonly Reaction[]>> = {
  rolling_back: ['disarm_rollout_timers', 'close_open_prompts', 'cancel_pending_steps', 'stop_monitoring'],
  aborted: ['cancel_pending_steps', 'disarm_rollout_timers', 'announce_end'],
  completed: ['disarm_live_timers', 'announce_end', 'start_documentation_checklist'],
  rolled_back: ['lock_environment', 'announce_end', 'refresh_root'],
};
