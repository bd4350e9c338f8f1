/**
 * Button action ids. Each button's value is the id of the prompt it belongs to, except
 * [Full output], whose value is the step run's id.
 */
export const actionIds = {
  retryStep: 'step_retry',
  markDone: 'step_mark_done',
  abort: 'deploy_abort',
  rollback: 'deploy_rollback',
  promote: 'stage_promote',
  skipSoak: 'stage_skip_soak',
  extendSoak: 'stage_extend_soak',
  proceed: 'gonogo_proceed',
  resume: 'deploy_resume',
  confirmRestore: 'restore_confirm',
  skipRestore: 'restore_skip',
  declareComplete: 'deploy_declare_complete',
  checkInOk: 'checkin_ok',
  acknowledgeAlert: 'alert_ack',
  holdAutoRollback: 'alert_hold',
  resolveIssue: 'issue_resolved',
  documentationDone: 'doc_done',
  reportIssue: 'checkin_report_issue',
  fullOutput: 'step_full_output',
} as const;
export type ActionId = (typeof actionIds)[keyof typeof actionIds];
