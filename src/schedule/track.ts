import type pg from 'pg';
import type { DeploymentEvent, DeploymentState } from '../deploy/model/lifecycle.js';
import type { Deployment } from '../infra/db/deployments.js';
import {
  bindWindowToDeployment,
  failInProgress,
  findCurrentWindow,
  findWindowFor,
  findWindowOfDeployment,
  type ScheduleStatus,
  setTrackedStatus,
  skipUnfinished,
} from '../infra/db/windows.js';
import type { Plan } from '../plan/schema.js';

/**
 * Keeps the schedule table live: every deployment transition moves the rows that track it.
 * Runs inside the transition's transaction, so the table never disagrees with the deployment.
 */
export async function trackTransition(
  client: pg.PoolClient,
  plan: Plan,
  before: Deployment,
  after: Deployment,
  event: DeploymentEvent,
): Promise<void> {
  const found = await findWindowFor(client, after.id, after.environment);
  let window = found?.deploymentId === after.id ? found : undefined;
  if (!window) {
    if (event === 'steps_done') return;
    // The environment's current window, unless another deployment took it.
    if (!found || found.deploymentId !== null) return;
    await bindWindowToDeployment(client, found.id, after.id);
    window = found;
  }
  const set = (tracks: string, status: ScheduleStatus) => setTrackedStatus(client, window.id, tracks, status);
  const stage = (index: number | null) => plan.stages[index ?? 0]?.id;
  await set('window', 'in_progress');
  switch (event) {
    case 'steps_done':
      await set('window', 'done');
      await set(`stage:${stage(0)}`, 'done');
      await set(`verify:${stage(0)}`, 'in_progress');
      break;
    case 'promote':
    case 'skip_soak':
      await set(`stage:${stage((before.stageIndex ?? 0) + 1)}`, 'in_progress');
      break;
    case 'stage_live':
    case 'reached_full':
      await set('window', 'done');
      await set(`stage:${stage(after.stageIndex)}`, 'done');
      await set(`verify:${stage(after.stageIndex)}`, 'in_progress');
      break;
    case 'soak_ended':
      await set(`verify:${stage(after.stageIndex)}`, 'done');
      break;
    case 'declare_complete':
      await set(`verify:${stage(after.stageIndex)}`, 'done');
      await set('complete', 'done');
      break;
    case 'step_failed':
    case 'revert_failed':
    case 'restore_failed':
      await failInProgress(client, window.id);
      break;
    default:
      break;
  }
  if (event === 'step_succeeded' || event === 'retry') await set('window', 'in_progress');
  const ended: DeploymentState[] = ['aborted', 'rolled_back'];
  if (ended.includes(after.state)) await skipUnfinished(client, window.id);
}

/** A deployment started: it takes the environment's scheduled window, whose "begin" row is now in progress. */
export async function trackStart(client: pg.PoolClient, deployment: Deployment): Promise<void> {
  const current = await findCurrentWindow(client, deployment.environment);
  if (!current || current.deploymentId !== null) return;
  await bindWindowToDeployment(client, current.id, deployment.id);
  await setTrackedStatus(client, current.id, 'window', 'in_progress');
}

/** The T+1w review was posted: its schedule row is done. */
export async function markReviewDone(deps: { db: pg.Pool }, deploymentId: number): Promise<void> {
  const window = await findWindowOfDeployment(deps.db, deploymentId);
  if (window) await setTrackedStatus(deps.db, window.id, 'review', 'done');
}

/**
 * A maintenance window's timer failed for good (its notice could not be rendered or sent, a check
 * could not run): its schedule row says failed, so `/deploy schedule` shows it. A later success
 * (the reconciler arms the timer again) still moves it to done.
 */
export async function markWindowItemFailed(
  db: pg.Pool | pg.PoolClient,
  windowId: number,
  tracks: string,
): Promise<void> {
  await setTrackedStatus(db, windowId, tracks, 'failed');
}
