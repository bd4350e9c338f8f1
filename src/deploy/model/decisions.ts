import type { GuardedAction } from './guards.js';
import type { PromptKind } from './prompt-kinds.js';

/** Every decision a person can make, from a button or a command. */
export const decisions = [
  'retry',
  'mark_done',
  'abort',
  'rollback',
  'promote',
  'skip_soak',
  'extend_soak',
  'proceed',
  'hold',
  'resume',
  'confirm_restore',
  'skip_restore',
  'declare_complete',
  'acknowledge',
  'acknowledge_alert',
  'hold_auto_rollback',
  'resolve_issue',
] as const;
export type Decision = (typeof decisions)[number];

export interface DecisionRule {
  guard: GuardedAction;
  /** Past tense for "Promoted to 50% by @lee at 04:31". */
  label: string;
  /** Prompt kinds this decision answers when it comes from a command rather than a button. */
  answers: PromptKind[];
  /** Moves to the next stage, whose own approvers must include the person. */
  approvesNextStage?: boolean;
}

export const decisionRules: Record<Decision, DecisionRule> = {
  retry: {
    guard: 'start',
    label: 'Retried',
    answers: ['step_failed', 'step_interrupted', 'rollback_failed'],
  },
  mark_done: { guard: 'start', label: 'Marked done', answers: ['step_interrupted', 'step_failed'] },
  abort: { guard: 'rollback', label: 'Aborted', answers: [] },
  rollback: { guard: 'rollback', label: 'Rolled back', answers: [] },
  promote: { guard: 'approveStage', label: 'Promoted', answers: ['promotion'], approvesNextStage: true },
  skip_soak: {
    guard: 'approveStage',
    label: 'Promoted early (soak skipped)',
    answers: ['soaking'],
    approvesNextStage: true,
  },
  extend_soak: { guard: 'approveStage', label: 'Soak extended', answers: ['promotion'] },
  proceed: { guard: 'approveStage', label: 'Go: proceed', answers: ['go_no_go'] },
  hold: { guard: 'start', label: 'Held', answers: [] },
  resume: { guard: 'start', label: 'Resumed', answers: ['held'] },
  confirm_restore: {
    guard: 'restoreDatabase',
    label: 'Database restore confirmed',
    answers: ['restore_database'],
  },
  skip_restore: { guard: 'restoreDatabase', label: 'Database kept', answers: ['restore_database'] },
  declare_complete: { guard: 'declareComplete', label: 'Declared complete', answers: ['declare_complete'] },
  acknowledge: { guard: 'team', label: 'All good', answers: ['check_in'] },
  acknowledge_alert: { guard: 'team', label: 'Acknowledged', answers: ['alert'] },
  hold_auto_rollback: { guard: 'rollback', label: 'Auto-rollback held', answers: ['alert'] },
  resolve_issue: { guard: 'team', label: 'Resolved', answers: [] },
};
