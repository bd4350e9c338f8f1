import type { Redis } from 'ioredis';
import {
  stepFinishedMessage,
  stepInterruptedMessage,
  stepLineKey,
} from '../../announce/blocks/step-messages.js';
import { haltedStepButtons } from '../../announce/buttons.js';
import { recoverNotifications } from '../../announce/outbox/recover-notifications.js';
import { publishUnpostedPrompts, recordPrompt } from '../../announce/prompts.js';
import { refreshRoot } from '../../announce/root.js';
import { replaceInThread } from '../../announce/thread.js';
import { getDeployment, listActiveDeployments, recordSchemaChanged } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import {
  finishStepRun,
  listPendingStepRuns,
  listRunningStepRuns,
  type StepRun,
} from '../../infra/db/step-runs.js';
import { jobIds, queueNames } from '../../infra/queue/queues.js';
import type { DeployDeps } from '../../ports.js';
import { publishUnpostedReports } from '../../report/post-report.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { applyTransition } from '../apply-transition.js';
import { isLive } from './check-ins.js';
import { enqueueStep } from './enqueue-step.js';
import { startMonitoring } from './monitor-polling.js';
import { resolveStep } from './resolve-step.js';
import { confirmDead, processOwner } from './step-owner.js';
import { rearmPendingTimers } from './timers.js';

/**
 * Run at start-up (and safe to run any time): Postgres is the truth, Redis is rebuilt from it.
 * - a step marked running whose owner is gone (its process dead on this host, its heartbeat
 *   expired elsewhere) was cut off by a crash: its command is killed if it outlived the bot, the
 *   run is marked interrupted and the channel is asked, never re-run silently;
 * - a pending step of a running deployment whose job Redis lost is enqueued again;
 * - a pending timer whose delayed job Redis lost is armed again (at once if already due).
 */
export async function reconcile(
  deps: DeployDeps,
  redis: Redis,
  options: { full?: boolean } = {},
): Promise<{ interrupted: number; requeued: number; rearmed: number }> {
  let interrupted = 0;
  let requeued = 0;
  // Needs only Postgres and Slack, so it runs first: prompts still go out while Redis is down.
  await publishUnpostedPrompts(deps);
  await publishUnpostedReports(deps);
  for (const run of await listRunningStepRuns(deps.db)) {
    // Liveness comes from Postgres (owner, heartbeat), never from a Redis lock an outage can lose;
    // the run's own command is confirmed dead before anyone may retry it.
    if (!(await confirmDead(run, deps.owner ?? processOwner, deps.clock()))) continue;
    if (await markInterrupted(deps, run)) interrupted++;
  }
  for (const run of await listPendingStepRuns(deps.db)) {
    const deployment = await getDeployment(deps.db, run.deploymentId);
    const active = run.phase === 'rollback' ? ['rolling_back', 'restoring'] : ['running'];
    if (!deployment || !active.includes(deployment.state)) continue;
    if (!(await isNextPending(deps, run))) continue;
    // The step before it still has a live job (finishing its messages): that job enqueues this one.
    if (await previousStillRunning(deps, redis, run)) continue;
    await enqueueStep(deps, run);
    requeued++;
  }
  // Redis kept its data since the last full pass (our marker is still there): every job and
  // scheduler is where it was, and a timer whose job was lost anyway shows by being overdue.
  const marker = `${deps.queues.prefix}:reconciled`;
  const full = (options.full ?? true) || (await redis.exists(marker)) === 0;
  const rearmed = await rearmPendingTimers(deps, redis, full ? 'all' : 'overdue');
  if (full) {
    // Monitoring schedulers live in Redis only: recreate them for every deployment with live traffic.
    for (const deployment of await listActiveDeployments(deps.db)) {
      if (isLive(deployment)) await startMonitoring(deps, deployment.id);
    }
    await redis.set(marker, deps.clock().toISOString());
  }
  await recoverNotifications(deps);
  if (interrupted + requeued + rearmed > 0)
    deps.log.info({ interrupted, requeued, rearmed }, 'reconciled state from Postgres');
  return { interrupted, requeued, rearmed };
}

async function hasLiveLock(redis: Redis, prefix: string, run: Pick<StepRun, 'id'>): Promise<boolean> {
  return (await redis.exists(`${prefix}:${queueNames.steps}:${jobIds.step(run.id)}:lock`)) === 1;
}

async function previousStillRunning(deps: DeployDeps, redis: Redis, run: StepRun): Promise<boolean> {
  const result = await deps.db.query<{ id: number }>(
    `SELECT id FROM step_runs WHERE deployment_id = $1 AND id <> $2 AND started_at IS NOT NULL
     ORDER BY started_at DESC LIMIT 1`,
    [run.deploymentId, run.id],
  );
  const previous = result.rows[0];
  return previous !== undefined && (await hasLiveLock(redis, deps.queues.prefix, previous));
}

async function isNextPending(deps: DeployDeps, run: StepRun): Promise<boolean> {
  const result = await deps.db.query<{ id: number }>(
    `SELECT id FROM step_runs WHERE deployment_id = $1 AND status IN ('pending', 'running')
     ORDER BY position, attempt LIMIT 1`,
    [run.deploymentId],
  );
  return result.rows[0]?.id === run.id;
}

async function markInterrupted(deps: DeployDeps, run: StepRun): Promise<boolean> {
  const later = afterCommit();
  const marked = await inTransaction(deps.db, async (client) => {
    // Deployment first, then the step run: the lock order of every transaction.
    const deployment = await getDeployment(client, run.deploymentId, { forUpdate: true });
    const finished = await finishStepRun(
      client,
      run.id,
      { status: 'interrupted', summary: 'interrupted: the worker running it stopped', outputTail: '' },
      'running',
      run.claimToken ?? undefined,
    );
    if (!finished) return false;
    await replaceInThread(
      client,
      later,
      run.deploymentId,
      stepLineKey(run.id),
      stepFinishedMessage(finished, deps.plan.steps.length),
    );
    // A migration cut off mid-way may have changed the schema: rollback must offer the restore.
    const step = resolveStep(deps.plan, run.stepId);
    if (step?.run.kind === 'command' && step.run.records === 'schema_changed' && !deployment?.dryRun) {
      await recordSchemaChanged(client, run.deploymentId, true);
    }
    if (deployment?.state === 'running') {
      await applyTransition(client, deps.plan, run.deploymentId, 'step_interrupted', 'stagecoach', {
        detail: { step: run.stepId, attempt: run.attempt },
      });
      await recordPrompt(client, later, run.deploymentId, 'step_interrupted', (promptId) =>
        stepInterruptedMessage({
          step: run,
          total: deps.plan.steps.length,
          promptId,
          buttons: haltedStepButtons('step_interrupted', promptId, run.phase !== 'pre_deployment'),
        }),
      );
    }
    return true;
  });
  if (!marked) return false;
  deps.log.warn({ deploymentId: run.deploymentId, step: run.stepId }, 'step interrupted: its worker stopped');
  await runAfterCommit(deps, later);
  await refreshRoot(deps, run.deploymentId);
  return true;
}

const reconcilerLockKey = 7_400_213;

/** Exactly one reconciler acts at a time across every worker process: the others skip the tick. */
export async function reconcileAlone(deps: DeployDeps, redis: Redis, options: { full?: boolean } = {}) {
  const client = await deps.db.connect();
  try {
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
      reconcilerLockKey,
    ]);
    if (!locked.rows[0]?.ok) return undefined;
    try {
      return await reconcile(deps, redis, options);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [reconcilerLockKey]);
    }
  } finally {
    client.release();
  }
}

const fullPassEvery = 12;

/**
 * Reconciles at start-up and then every few seconds: a worker that died mid-step leaves a lock
 * that expires after BullMQ's lockDuration, and only then can its run be called interrupted.
 */
export function startReconciler(deps: DeployDeps, redis: Redis, intervalMs = 5_000) {
  let running: Promise<unknown> = Promise.resolve();
  let ticks = 0;
  const tick = () => {
    // Every pending timer and scheduler once a minute or so; only what is overdue in between.
    const full = ++ticks % fullPassEvery === 0;
    running = reconcileAlone(deps, redis, { full }).catch((error) =>
      deps.log.warn({ err: error }, 'reconcile failed'),
    );
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
