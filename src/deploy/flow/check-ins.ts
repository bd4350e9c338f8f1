import type pg from 'pg';
import { allWithinLimits, checkInMessage, reviewMessage } from '../../announce/blocks/check-in-message.js';
import { pageRoles } from '../../announce/page.js';
import { recordPrompt } from '../../announce/prompts.js';
import { replaceInThread } from '../../announce/thread.js';
import type { Deployment } from '../../infra/db/deployments.js';
import { decidePrompt, listOpenPrompts, type Prompt } from '../../infra/db/prompts.js';
import type { Timer } from '../../infra/db/timers.js';
import type { Snapshot } from '../../infra/monitor/snapshot.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { leadsToPage } from '../authorize.js';
import { findCheckInFold } from './check-in-fold.js';
import { decisionsRunSlower, scaledForPeople, scheduleTimer } from './timers.js';

const day = 24 * 3600_000;

export function checkInCount(deps: Pick<DeployDeps, 'plan'>): number {
  const { every, for: span } = deps.plan.monitoring.checkIns;
  return Math.max(1, Math.floor(span / every));
}

/**
 * Live: a traffic command moved production traffic, or a stage began (under `traffic: none`, the
 * first stage begins once the steps are done). Monitors are polled from then on. A dry run is
 * never live: it ran nothing, so there is nothing to watch.
 */
export function isLive(deployment: Pick<Deployment, 'currentPercent' | 'stageIndex' | 'dryRun'>): boolean {
  return !deployment.dryRun && (deployment.currentPercent > 0 || deployment.stageIndex !== null);
}

/**
 * Schedules the check-ins and reviews and starts polling, once per deployment, whatever its traffic
 * mode; never for a dry run (nothing ran: no check-in, review or monitor poll would mean anything).
 */
export async function ensureMonitoring(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Pick<Deployment, 'id' | 'dryRun'>,
  later: AfterCommit,
) {
  if (deployment.dryRun) return;
  const deploymentId = deployment.id;
  const scheduled = await client.query(
    `SELECT 1 FROM timers WHERE deployment_id = $1 AND kind IN ('check_in', 'review') LIMIT 1`,
    [deploymentId],
  );
  if (scheduled.rowCount) return;
  await scheduleMonitoring(client, deps, deploymentId, later);
  later.followUps.push({ kind: 'start_monitoring', deploymentId });
}

/**
 * From the moment the deployment goes live (production traffic first shifts, or under
 * `traffic: none` the first stage begins): check-ins every 30 minutes for 6 hours, then
 * daily reviews for a week and weekly reviews for a month (plan values). All are durable timers.
 */
export async function scheduleMonitoring(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
) {
  const { checkIns, dailyReviews, weeklyReviews } = deps.plan.monitoring;
  const from = deps.clock();
  const total = checkInCount(deps);
  for (let n = 1; n <= total; n++) {
    later.arm.push(
      await scheduleTimer(client, deps, {
        deploymentId,
        kind: 'check_in',
        key: `check-in-${deploymentId}-${n}`,
        afterMs: n * checkIns.every,
        from,
        payload: { n, total },
      }),
    );
  }
  const days = Math.floor(dailyReviews.for / day);
  for (let n = 1; n <= days; n++) {
    later.arm.push(
      await scheduleTimer(client, deps, {
        deploymentId,
        kind: 'review',
        key: `review-daily-${deploymentId}-${n}`,
        afterMs: n * day,
        from,
        payload: { kind: 'daily', n, total: days },
      }),
    );
  }
  const weeks = Math.floor(weeklyReviews.for / (7 * day));
  for (let n = 1; n <= weeks; n++) {
    later.arm.push(
      await scheduleTimer(client, deps, {
        deploymentId,
        kind: 'review',
        key: `review-weekly-${deploymentId}-${n}`,
        afterMs: n * 7 * day,
        from,
        payload: { kind: 'weekly', n, total: weeks },
      }),
    );
  }
}

/** The page of unanswered check-ins: one per deployment, edited as the streak grows, resolved by an answer. */
export const missedCheckInsPage = { key: 'missed-check-ins', kind: 'process' } as const;

/** A check-in is due: note the unanswered one before it, page after too many misses, ask again. */
export async function checkIn(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  timer: Timer,
  snapshot: Snapshot,
  later: AfterCommit,
) {
  const n = Number(timer.payload.n);
  const total = Number(timer.payload.total);
  const missed: number[] = [];
  const closed: Prompt[] = [];
  // A check-in's answer window is the interval to the next one, at people's pace: in a rehearsal
  // with REHEARSAL_DECISION_SCALE the next check-in may come sooner, and an open one younger than
  // its window stays open (answerable) instead of counting as missed.
  const answerWindowMs = scaledForPeople(deps, deps.plan.monitoring.checkIns.every);
  const now = deps.clock().getTime();
  for (const open of await listOpenPrompts(client, deployment.id, 'check_in')) {
    if (decisionsRunSlower(deps) && now - open.createdAt.getTime() < answerWindowMs) continue;
    const decided = await decidePrompt(client, open.id, 'No answer before the next check-in', 'stagecoach');
    if (decided) {
      missed.push(Number(open.payload.n));
      closed.push(decided);
    }
  }
  const streak = await unansweredStreak(client, deployment.id);
  const limit = deps.plan.monitoring.checkIns.pageAfterMissed;
  if (missed.length > 0 && streak >= limit) {
    const lead = leadsToPage(deps.plan, 'start');
    await pageRoles(
      client,
      deps,
      deployment.id,
      lead,
      `${streak} check-ins in a row went unanswered on deployment #${deployment.id} (${deployment.version} → ${deployment.environment}). Answer the latest one in the thread.`,
      later,
      missedCheckInsPage,
    );
  }
  const withinLimits = allWithinLimits(snapshot);
  const fold = await findCheckInFold(client, deployment, withinLimits);
  // A missed check-in whose message this one takes over is not shown decided: the edit says it all.
  const shownDecided = closed.filter((prompt) => !fold || prompt.messageTs !== fold.messageTs);
  if (shownDecided.length > 0) later.followUps.push({ kind: 'show_decided', prompts: shownDecided });
  const shown = fold ? [...fold.shown, n].sort((a, b) => a - b) : [n];
  const missedShown = fold ? [...new Set([...fold.missed, ...missed])].sort((a, b) => a - b) : missed;
  const render = (promptId: number, numbers: number[], unanswered: number[]) =>
    checkInMessage({
      number: n,
      total,
      snapshot,
      percent: deployment.currentPercent,
      traffic: deps.plan.traffic.mode,
      missed: unanswered,
      timeZone: deps.plan.timezone,
      promptId,
      answerBy: new Date(now + answerWindowMs),
      shown: numbers,
    });
  const prompt = await recordPrompt(
    client,
    later,
    deployment.id,
    'check_in',
    (promptId) => render(promptId, shown, missedShown),
    {
      n,
      allWithinLimits: withinLimits,
      percent: deployment.currentPercent,
      stageIndex: deployment.stageIndex,
      shown,
      missedShown,
      ...(fold ? { foldOf: fold.promptId, joinedShown: fold.shown } : {}),
      ...(fold?.messageTs ? { replacesMessageTs: fold.messageTs } : {}),
    },
  );
  if (fold && !fold.messageTs) {
    // If the message it joins never reaches Slack in time, this one is posted showing itself alone.
    const alone = {
      message: render(prompt.id, [n], missed),
      payload: { shown: [n], missedShown: missed },
    };
    await client.query(
      `UPDATE prompts SET payload = payload || jsonb_build_object('alone', $2::jsonb) WHERE id = $1`,
      [prompt.id, JSON.stringify(alone)],
    );
  }
}

async function unansweredStreak(client: pg.PoolClient, deploymentId: number): Promise<number> {
  const result = await client.query<{ decidedBy: string | null; status: string }>(
    `SELECT decided_by AS "decidedBy", status FROM prompts WHERE deployment_id = $1 AND kind = 'check_in' ORDER BY id DESC`,
    [deploymentId],
  );
  let streak = 0;
  for (const row of result.rows) {
    // Still within its answer window (a rehearsal's slower decisions): neither answered nor missed.
    if (row.status === 'open') continue;
    if (row.status !== 'decided' || row.decidedBy !== 'stagecoach') break;
    streak++;
  }
  return streak;
}

export async function review(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  timer: Timer,
  snapshot: Snapshot,
  later: AfterCommit,
) {
  const counts = await client.query<{ answered: number; missed: number }>(
    `SELECT count(*) FILTER (WHERE kind = 'check_in' AND decided_by <> 'stagecoach')::int AS answered,
            count(*) FILTER (WHERE kind = 'check_in' AND decided_by = 'stagecoach')::int AS missed
     FROM prompts WHERE deployment_id = $1`,
    [deployment.id],
  );
  const failed = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM step_runs WHERE deployment_id = $1 AND status IN ('failed', 'timed_out', 'interrupted')`,
    [deployment.id],
  );
  const summary = [
    deps.plan.traffic.mode === 'none'
      ? `State: ${deployment.state.replaceAll('_', ' ')}, ${deployment.version} with no traffic control.`
      : `State: ${deployment.state.replaceAll('_', ' ')}, ${deployment.currentPercent}% of traffic on ${deployment.version}.`,
    `Check-ins answered: ${counts.rows[0]?.answered ?? 0}, unanswered: ${counts.rows[0]?.missed ?? 0}. Failed or interrupted step runs: ${failed.rows[0]?.n ?? 0}.`,
  ];
  const kind = timer.payload.kind === 'weekly' ? 'weekly' : 'daily';
  const n = Number(timer.payload.n);
  const quiet = allWithinLimits(snapshot);
  // Like check-ins, quiet reviews of one kind in a row share one message, edited as each comes.
  const latest = await client.query<{ key: string }>(
    `SELECT dedupe_key AS key FROM notifications WHERE deployment_id = $1 AND dedupe_key LIKE $2
      ORDER BY id DESC LIMIT 1`,
    [deployment.id, `review:${deployment.id}:${kind}:%`],
  );
  const fold = quiet ? /:quiet:(\d+)$/.exec(latest.rows[0]?.key ?? '') : null;
  const first = fold ? Math.min(Number(fold[1]), n) : n;
  const message = reviewMessage({
    kind,
    number: n,
    total: Number(timer.payload.total),
    snapshot,
    summary,
    timeZone: deps.plan.timezone,
    shown: Array.from({ length: Math.abs(n - first) + 1 }, (_, i) => first + i),
  });
  const key = fold
    ? (latest.rows[0]?.key as string)
    : `review:${deployment.id}:${kind}:${quiet ? 'quiet' : 'loud'}:${n}`;
  await replaceInThread(client, later, deployment.id, key, message);
}
