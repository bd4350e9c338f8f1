import type { Decision } from '../model/decisions.js';
import { abort } from './abort.js';
import { acknowledgeAlert } from './acknowledge-alert.js';
import { acknowledge } from './acknowledge-check-in.js';
import { confirmRestore } from './confirm-restore.js';
import type { DecisionAction } from './decision-context.js';
import { declareComplete } from './declare-complete.js';
import { extendSoak } from './extend-soak.js';
import { hold } from './hold.js';
import { holdAutoRollback } from './hold-auto-rollback.js';
import { markDone } from './mark-done.js';
import { proceed } from './proceed.js';
import { promote } from './promote.js';
import { resolveIssue } from './resolve-issue.js';
import { resume } from './resume.js';
import { retry } from './retry.js';
import { rollback } from './rollback.js';
import { skipRestore } from './skip-restore.js';
import { skipSoak } from './skip-soak.js';

/** One action per decision; the compiler makes sure none is missing. */
export const decisionActions: Record<Decision, DecisionAction> = {
  acknowledge: acknowledge,
  acknowledge_alert: acknowledgeAlert,
  hold_auto_rollback: holdAutoRollback,
  resolve_issue: resolveIssue,
  retry: retry,
  mark_done: markDone,
  abort: abort,
  rollback: rollback,
  promote: promote,
  skip_soak: skipSoak,
  extend_soak: extendSoak,
  proceed: proceed,
  hold: hold,
  resume: resume,
  confirm_restore: confirmRestore,
  skip_restore: skipRestore,
  declare_complete: declareComplete,
};
