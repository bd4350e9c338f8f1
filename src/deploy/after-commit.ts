import { dispatchNotifications } from '../announce/outbox/dispatch-notifications.js';
import type { Timer } from '../infra/db/timers.js';
import type { Notification } from '../infra/notify/notification.js';
import type { DeployDeps } from '../ports.js';
import { enqueueStep } from './flow/enqueue-step.js';
import { armTimers, disarmTimers } from './flow/timers.js';

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

/**
 * Returns false when the queue work (steps, timers, notifications) could not reach Redis: the
 * change is committed all the same, and the reconciler redoes that work from Postgres once Redis
 * is back, so the caller must not report the change as failed.
 */
export async function runAfterCommit(deps: DeployDeps, actions: AfterCommit): Promise<boolean> {
  let queued = true;
  try {
    // Steps first: a click is waiting on them; cancelled timers are stale in Postgres already.
    for (const run of actions.enqueue) await enqueueStep(deps, run);
    await disarmTimers(deps, actions.disarm);
    await armTimers(deps, actions.arm);
    await dispatchNotifications(deps, actions.notify);
  } catch (error) {
    queued = false;
    deps.log.warn({ err: error }, 'committed work could not be queued yet; the reconciler will queue it');
  }
  for (const action of actions.followUps) {
    try {
      await action();
    } catch (error) {
      // Messages are views of Postgres state: a lost one is logged, never allowed to undo the change.
      deps.log.warn({ err: error }, 'a follow-up message could not be sent');
    }
  }
  return queued;
}
