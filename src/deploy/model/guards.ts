/** What a person may be allowed to do; the plan's `authorization` maps each to roles. */
export type GuardedAction =
  | 'start'
  | 'approveStage'
  | 'rollback'
  | 'restoreDatabase'
  | 'declareComplete'
  | 'lock'
  | 'team';

/** Completes "You need a role that may … ". */
export const guardedActionLabels: Record<GuardedAction, string> = {
  start: 'start or steer a deployment',
  approveStage: 'approve a stage',
  rollback: 'roll back or abort',
  restoreDatabase: 'confirm a database restore',
  declareComplete: 'declare a deployment complete',
  lock: 'lock or unlock an environment',
  team: 'answer a check-in',
};

/** Approvals: with the plan's `forbidSelfApproval`, none of these may come from who started the deployment. */
export const approvalGuards: readonly GuardedAction[] = [
  'approveStage',
  'restoreDatabase',
  'declareComplete',
];
