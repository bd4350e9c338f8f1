import { applyTransition } from '../apply-transition.js';
import { insertRollbackRun } from '../flow/rollback.js';

import { type DecisionAction, describeDeployment as describe } from './decision-context.js';

/**
 * Restore the database from the pre-deployment backup.
 * awaiting_restore → restoring. Guard: restoreDatabase. Answers: restore_database.
 * Intents: enqueue the restore step.
 */
export const confirmRestore: DecisionAction = async (context, client) => {
  const { deployment, input } = context;
  await applyTransition(client, context.deps.plan, deployment.id, 'confirm_restore', input.userId, {
    detail: { backupFile: deployment.backupFile },
  });
  context.later.enqueue.push(await insertRollbackRun(client, deployment.id, 'restore_database'));
  return `Restoring the database of ${describe(context)} from the pre-deployment backup.`;
};
