import { refreshRoot } from '../../announce/announce.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import { claimTimer, getTimer, type Timer } from '../../infra/db/timers.js';
import { type Snapshot, takeSnapshot } from '../../infra/monitor/snapshot.js';
import type { DeployDeps } from '../../ports.js';
import { postReport } from '../../report/post-report.js';
import { checkRollbackResources } from '../../schedule/rollback-resources.js';
import { markReviewDone } from '../../schedule/track.js';
import { actOnWindowTimer } from '../../schedule/window-timer.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { allowedEvents, isTerminal } from '../model/lifecycle.js';
import { checkIn, review } from './check-ins.js';
import { applyGoNoGoPolicy } from './go-no-go.js';
import { promptPromotion } from './promotion.js';
import { startRollback } from './rollback.js';
import { actOnSuccessCheck, evaluateSuccess, type SuccessEvaluation } from './success-criteria.js';
import { armTimers } from './timers.js';

/**
 * A timer's job fired. The row is claimed once, so a second delivery does nothing; a timer of a
 * deployment that moved on (rolled back, held, promoted early) is a no-op.
 */
export async function fireTimer(deps: DeployDeps, timerId: number): Promise<string> {
  const timer = await getTimer(deps.db, timerId);
  if (timer?.status !== 'pending') return 'stale';
  const early = timer.fireAt.getTime() - deps.clock().getTime();
  // Delayed jobs fire "at least" their delay; one that somehow comes early waits for the rest.
  if (early > 50) {
    await deps.queues.timers.remove(`timer-${timer.id}`).catch(() => undefined);
    await armTimers(deps, [timer]);
    return 'rearmed';
  }
  deps.log.info({ deploymentId: timer.deploymentId, kind: timer.kind, latenessMs: -early }, 'timer fired');
  deps.metrics?.timerLateness.observe({ kind: timer.kind }, Math.max(0, -early) / 1000);
  // Figures are read before the transaction: slow HTTP must not hold the deployment's row lock.
  const snapshot = ['check_in', 'review'].includes(timer.kind)
    ? await takeSnapshot({
        plan: deps.plan,
        prometheusUrl: deps.settings.prometheusUrl,
        healthcheckUrl: deps.settings.healthcheckUrl,
        now: deps.clock,
      })
    : undefined;
  const checks =
    timer.kind === 'window_item' && timer.payload.tracks === 'rollback_resources'
      ? await checkRollbackResources(deps, deps.plan.defaultEnvironment)
      : undefined;
  const evaluation =
    timer.kind === 'success_check' && timer.deploymentId !== null
      ? await evaluateSuccess(deps, timer.deploymentId)
      : undefined;
  const later = afterCommit();
  const acted = await inTransaction(deps.db, async (client) => {
    const claimed = await claimTimer(client, timer.id);
    if (!claimed) return false;
    if (claimed.deploymentId === null) {
      if (claimed.kind === 'window_item') await actOnWindowTimer(client, deps, claimed, later, checks);
      return true;
    }
    await getDeployment(client, claimed.deploymentId, { forUpdate: true });
    await act(client, deps, claimed, claimed.deploymentId, later, snapshot, evaluation);
    return true;
  });
  if (!acted) return 'stale';
  await runAfterCommit(deps, later);
  if (timer.kind === 'report' && timer.deploymentId !== null) {
    await postReport(deps, timer.deploymentId);
    if (timer.deploymentId !== null) await markReviewDone(deps, timer.deploymentId);
  }
  if (timer.deploymentId !== null) await refreshRoot(deps, timer.deploymentId);
  return timer.kind;
}

async function act(
  client: Parameters<typeof promptPromotion>[0],
  deps: DeployDeps,
  timer: Timer,
  deploymentId: number,
  later: ReturnType<typeof afterCommit>,
  snapshot: Snapshot | undefined,
  evaluation: SuccessEvaluation | undefined,
) {
  const deployment = await getDeployment(client, deploymentId);
  if (!deployment) return;
  switch (timer.kind) {
    case 'soak_end':
      // Held or moved on: resume re-checks fired soak timers, so nothing is lost here.
      if (deployment.state === 'soaking' && deployment.stageIndex === timer.payload.stageIndex) {
        await promptPromotion(client, deps, deployment.id, later);
      }
      return;
    case 'check_in':
      if (!isTerminal(deployment.state) && snapshot)
        await checkIn(client, deps, deployment, timer, snapshot, later);
      return;
    case 'review':
      if (snapshot) await review(client, deps, deployment, timer, snapshot, later);
      return;
    case 'success_check':
      if (evaluation) await actOnSuccessCheck(client, deps, deployment, evaluation, later);
      return;
    case 'auto_rollback':
      // [Hold] and a recovery cancel this timer; reaching here means the breach was left to run.
      if (allowedEvents(deployment.state).includes('rollback')) {
        await startRollback(
          client,
          deps,
          deployment.id,
          'stagecoach',
          `auto-rollback: ${String(timer.payload.metricId)} stayed beyond its threshold through the grace delay`,
          later,
        );
      }
      return;
    case 'go_no_go':
      await applyGoNoGoPolicy(client, deps, deployment, later);
      return;
    case 'report':
      // Built from committed rows and posted after COMMIT (below), as uploads cannot join a transaction.
      return;
    default:
      deps.log.warn({ kind: timer.kind }, 'unknown timer kind');
  }
}
