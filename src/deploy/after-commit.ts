import { dispatchNotifications } from '../announce/outbox/dispatch-notifications.js';
import { publishPrompt, showDecided } from '../announce/prompts.js';
import { refreshRoot } from '../announce/root.js';
import { deliverNow } from '../announce/thread.js';
import type { DeployDeps } from '../ports.js';
import { enqueueStep } from './flow/enqueue-step.js';
import { startMonitoring, stopMonitoring } from './flow/monitor-polling.js';
import { armTimers, disarmTimers } from './flow/timers.js';
import { type AfterCommit, afterCommit, type FollowUp } from './intents.js';

export type { AfterCommit, FollowUp };
export { afterCommit };

/**
 * Carries out what a committed transaction decided. Each part is idempotent, so the reconciler
 * can redo it from Postgres if the process dies in between.
 *
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
  for (const followUp of actions.followUps) {
    try {
      await carryOut(deps, followUp);
    } catch (error) {
      // Messages are views of Postgres state: a lost one is logged, never allowed to undo the change.
      deps.log.warn({ err: error, followUp: followUp.kind }, 'a follow-up message could not be sent');
    }
  }
  return queued;
}

async function carryOut(deps: DeployDeps, followUp: FollowUp): Promise<unknown> {
  switch (followUp.kind) {
    case 'thread_note':
    case 'channel_post':
    case 'prompt_refresh':
      return deliverNow(deps, { id: followUp.notificationId, sendAfter: deps.clock() });
    case 'publish_prompt':
      return publishPrompt(deps, followUp.prompt, () => followUp.message);
    case 'show_decided':
      return showDecided(deps, followUp.prompts);
    case 'refresh_root':
      return refreshRoot(deps, followUp.deploymentId);
    case 'start_monitoring':
      return startMonitoring(deps, followUp.deploymentId);
    case 'stop_monitoring':
      return stopMonitoring(deps, followUp.deploymentId);
  }
}
