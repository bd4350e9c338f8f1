import type { Timer } from '../db/timers.js';
import { dispatchNotifications } from '../notify/dispatch-notifications.js';
import type { Notification } from '../notify/notification.js';
import type { DeployDeps } from './deps.js';
import { enqueueStep } from './enqueue.js';
import { armTimers, disarmTimers } from './timers.js';

/**
 * What a transaction decided to do outside Postgres. It runs only after COMMIT, and each part is
 * idempotent, so the reconciler can redo it from Postgres if the process dies in between.
 */
export interface AfterCommit {
  enqueue: { id: number; deploymentId: number }[];
  arm: (Timer | undefined)[];
  disarm: Timer[];
  /** Outbox rows recorded in the transaction, to be sent. */
  notify: (Notification | undefined)[];
  followUps: (() => Promise<unknown>)[];
}

export function afterCommit(): AfterCommit {
  return { enqueue: [], arm: [], disarm: [], notify: [], followUps: [] };
}

export async function runAfterCommit(deps: DeployDeps, actions: AfterCommit): Promise<void> {
  await disarmTimers(deps, actions.disarm);
  for (const run of actions.enqueue) await enqueueStep(deps, run);
  await armTimers(deps, actions.arm);
  await dispatchNotifications(deps, actions.notify);
  for (const action of actions.followUps) {
    try {
      await action();
    } catch (error) {
      // Messages are views of Postgres state: a lost one is logged, never allowed to undo the change.
      deps.log.warn({ err: error }, 'a follow-up message could not be sent');
    }
  }
}
