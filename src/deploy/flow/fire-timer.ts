import type pg from 'pg';
import { refreshRoot } from '../../announce/root.js';
import { type Deployment, getDeployment } from '../../infra/db/deployments.js';
import { inTransaction } from '../../infra/db/pool.js';
import { createTakeTurns } from '../../infra/db/take-turns.js';
import { claimTimer, getTimer, type Timer } from '../../infra/db/timers.js';
import { type Snapshot, takeSnapshot } from '../../infra/monitor/snapshot.js';
import type { DeployDeps } from '../../ports.js';
import { publishScheduledReport } from '../../report/post-report.js';
import { checkRollbackResources } from '../../schedule/rollback-resources.js';
import { actOnWindowTimer } from '../../schedule/window-timer.js';
import { type AfterCommit, afterCommit, runAfterCommit } from '../after-commit.js';
import { allowedEvents, isTerminal } from '../model/lifecycle.js';
import type { TimerKind } from '../model/timer-kinds.js';
import { checkIn, review } from './check-ins.js';
import { templateVars } from './execute-step.js';
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
  // The timer fires now: what follows (its figures, its turn, its transaction) is what it does.
  const firedAt = deps.clock();
  const timer = await getTimer(deps.db, timerId);
  if (timer?.status !== 'pending') return 'stale';
  const early = timer.fireAt.getTime() - firedAt.getTime();
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
        vars: await monitorVars(deps, timer.deploymentId),
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
  // One deployment's timers take turns here, not on its row lock with a pool connection each.
  const acted = await turnsOf(deps.db)(timer.deploymentId ?? 'windows', () =>
    inTransaction(deps.db, (client) =>
      act(client, deps, timer, later, { firedAt, snapshot, checks, evaluation }),
    ),
  );
  if (!acted) return 'stale';
  await runAfterCommit(deps, later);
  if (timer.kind === 'report' && timer.deploymentId !== null) {
    await publishScheduledReport(deps, timer.deploymentId);
  }
  if (timer.deploymentId !== null) await refreshRoot(deps, timer.deploymentId);
  return timer.kind;
}

const turns = new WeakMap<object, ReturnType<typeof createTakeTurns>>();
const turnsOf = (db: object) => {
  let takeTurn = turns.get(db);
  if (!takeTurn) {
    takeTurn = createTakeTurns();
    turns.set(db, takeTurn);
  }
  return takeTurn;
};

/** The claim and what the timer does, in one transaction. False: someone else claimed it first. */
async function act(
  client: pg.PoolClient,
  deps: DeployDeps,
  timer: Timer,
  later: AfterCommit,
  read: Pick<TimerContext, 'snapshot' | 'evaluation'> & {
    firedAt: Date;
    checks: RollbackResourceChecks | undefined;
  },
): Promise<boolean> {
  // Lock order is deployment, then timer, as in every decision (docs/architecture.md): a timer
  // claimed first could deadlock with a decision cancelling it. A timer's deployment never changes.
  const deployment =
    timer.deploymentId === null
      ? undefined
      : await getDeployment(client, timer.deploymentId, { forUpdate: true });
  const claimed = await claimTimer(client, timer.id, read.firedAt);
  if (!claimed) return false;
  if (claimed.deploymentId === null) {
    if (claimed.kind === 'window_item') await actOnWindowTimer(client, deps, claimed, later, read.checks);
    return true;
  }
  if (deployment) {
    await timerHandlers[claimed.kind]({
      client,
      deps,
      timer: claimed,
      deployment,
      later,
      snapshot: read.snapshot,
      evaluation: read.evaluation,
    });
  }
  return true;
}

type RollbackResourceChecks = Awaited<ReturnType<typeof checkRollbackResources>>;

interface TimerContext {
  client: Parameters<typeof promptPromotion>[0];
  deps: DeployDeps;
  timer: Timer;
  deployment: Deployment;
  later: AfterCommit;
  snapshot: Snapshot | undefined;
  evaluation: SuccessEvaluation | undefined;
}

/** What each kind of timer does to its deployment, inside the claiming transaction. */
const timerHandlers: Record<TimerKind, (context: TimerContext) => Promise<void>> = {
  soak_end: async ({ client, deps, timer, deployment, later }) => {
    // Held or moved on: resume re-checks fired soak timers, so nothing is lost here.
    if (deployment.state === 'soaking' && deployment.stageIndex === timer.payload.stageIndex) {
      await promptPromotion(client, deps, deployment.id, later);
    }
  },
  check_in: async ({ client, deps, timer, deployment, later, snapshot }) => {
    if (!isTerminal(deployment.state) && snapshot)
      await checkIn(client, deps, deployment, timer, snapshot, later);
  },
  review: async ({ client, deps, timer, deployment, later, snapshot }) => {
    if (snapshot) await review(client, deps, deployment, timer, snapshot, later);
  },
  success_check: async ({ client, deps, deployment, later, evaluation }) => {
    if (evaluation) await actOnSuccessCheck(client, deps, deployment, evaluation, later);
  },
  auto_rollback: async ({ client, deps, timer, deployment, later }) => {
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
  },
  go_no_go: async ({ client, deps, deployment, later }) => {
    await applyGoNoGoPolicy(client, deps, deployment, later);
  },
  // Built from committed rows and posted after COMMIT (in fireTimer), as uploads cannot join a transaction.
  report: async () => undefined,
  // A maintenance window's timers belong to no deployment; fireTimer hands them to schedule/window-timer.
  window_item: async () => undefined,
};

/** What a check-in's metric queries and URLs are filled in with, as every monitor poll is (poll-monitors.ts). */
async function monitorVars(deps: DeployDeps, deploymentId: number | null) {
  const deployment = deploymentId === null ? undefined : await getDeployment(deps.db, deploymentId);
  if (!deployment) return undefined;
  // Everything a step's command gets ({{version}}, {{deploymentId}}, the plan's own variables):
  // a monitor's query is about this deployment.
  return templateVars(deps.plan, deps.settings, deployment, deployment.currentPercent);
}
