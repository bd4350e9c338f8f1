import type pg from 'pg';
import { formatValue } from '../../announce/blocks/check-in-message.js';
import { note } from '../../announce/blocks/rollout-messages.js';
import { pageRoles, resolvePage } from '../../announce/page.js';
import { noteInThread } from '../../announce/thread.js';
import { type Deployment, getDeployment } from '../../infra/db/deployments.js';
import { getMonitorStates, insertSample, saveMonitorState } from '../../infra/db/monitoring.js';
import { inTransaction } from '../../infra/db/pool.js';
import { evaluate, initialState } from '../../infra/monitor/evaluate.js';
import { type Metric, type Reading, readMetric } from '../../infra/monitor/read-metric.js';
import { monitorSources } from '../../infra/monitor/snapshot.js';
import type { DeployDeps } from '../../ports.js';
import { type AfterCommit, afterCommit, runAfterCommit } from '../after-commit.js';
import { leadsToPage } from '../authorize.js';
import { monitorKey } from '../model/alert-group.js';
import { isTerminal } from '../model/lifecycle.js';
import { monitorMember, raiseAlerts, settleAlerts, tryLockAlerts } from './alert-group.js';
import { isLive } from './check-ins.js';
import { templateVars } from './execute-step.js';
import { stopMonitoring } from './monitor-polling.js';

/**
 * One poll of every monitor of a deployment, from the first traffic shift to the end: it runs
 * whatever the state (a prompt waiting for a decision included), until the deployment ends.
 */
export async function pollMonitors(deps: DeployDeps, deploymentId: number): Promise<string> {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (!deployment || isTerminal(deployment.state)) {
    await stopMonitoring(deps, deploymentId);
    return 'stopped';
  }
  if (!isLive(deployment)) return 'not live yet';
  // Rolling back: the alerts have done their job; the revert is what matters now.
  if (['rolling_back', 'awaiting_restore', 'restoring', 'rollback_failed'].includes(deployment.state))
    return 'rolling back';
  const { metrics } = deps.plan.monitoring;
  // The plan's health check (its http_check step) judges an up/down probe of the same URL.
  const sources = monitorSources(
    deps.plan,
    deps.settings,
    templateVars(deps.plan, deps.settings, deployment, deployment.currentPercent),
  );
  const readings = await Promise.all(metrics.map((metric) => readMetric(metric, sources)));
  const now = deps.clock();
  // A decision (a rollback) may lock the same rows in another order: on a deadlock, poll again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await pollOnce(deps, deploymentId, readings, now);
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= 3) throw error;
    }
  }
}

/** The page of monitors in trouble: one per deployment, grouped. */
const metricsPage = { key: 'metrics', kind: 'metric' } as const;

type Judged = ReturnType<typeof evaluate> & {
  metric: Metric;
  reading: Reading;
  /** The alert this monitor last joined. */
  alertPromptId: number | null;
};

const isRaised = (j: Judged) => j.event === 'alert_breach' || j.event === 'alert_unknown';

async function pollOnce(
  deps: DeployDeps,
  deploymentId: number,
  readings: Reading[],
  now: Date,
): Promise<string> {
  const later = afterCommit();
  await inTransaction(deps.db, async (client) => {
    // One poll of a deployment at a time, without holding the deployment's row (decisions must not wait on polls).
    if (!(await tryLockAlerts(client, deploymentId))) return;
    const current = await getDeployment(client, deploymentId);
    if (
      !current ||
      isTerminal(current.state) ||
      ['rolling_back', 'awaiting_restore', 'restoring', 'rollback_failed'].includes(current.state)
    )
      return;
    const judged = await recordReadings(client, deps, current, readings, now);
    // Everything that went wrong in this poll joins one alert (the open one, or a new one).
    const raised = judged
      .filter(isRaised)
      .map(({ metric, reading, next, event }) =>
        monitorMember(
          metric,
          reading,
          event === 'alert_breach' ? 'breach' : 'unknown',
          next.since ?? now,
          now,
        ),
      );
    const group =
      raised.length > 0 ? await raiseAlerts(client, deps, later, deploymentId, raised, now) : undefined;
    for (const j of judged)
      await saveMonitorState(client, deploymentId, j.metric.id, j.next, isRaised(j) ? group?.promptId : null);
    const back = await settleRecovered(client, deps, later, deploymentId, judged, now);
    await pageMonitorsInTrouble(client, deps, later, current, judged, back);
  });
  await runAfterCommit(deps, later);
  return 'polled';
}

/**
 * Stores each reading and judges it against the monitor's state. Samples go first: their insert
 * takes the deployment's row (key share) before any alert's row, the lock order of every transaction.
 */
async function recordReadings(
  client: pg.PoolClient,
  deps: DeployDeps,
  current: Deployment,
  readings: Reading[],
  now: Date,
): Promise<Judged[]> {
  const states = await getMonitorStates(client, current.id);
  const judged: Judged[] = [];
  for (const [index, metric] of deps.plan.monitoring.metrics.entries()) {
    const reading = readings[index];
    if (!reading) continue;
    await insertSample(client, {
      deploymentId: current.id,
      metricId: metric.id,
      value: reading.value,
      status: reading.status,
      stageIndex: current.stageIndex,
      percent: current.currentPercent,
    });
    const previous = states.get(metric.id);
    judged.push({
      metric,
      reading,
      alertPromptId: previous?.alertPromptId ?? null,
      ...evaluate(previous ?? initialState, reading, metric, now),
    });
  }
  return judged;
}

/** Marks what came back in the alert it joined; an alert all back says so in the thread. Returns what came back. */
async function settleRecovered(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  deploymentId: number,
  judged: Judged[],
  now: Date,
): Promise<string[]> {
  const byAlert = new Map<number, { key: string; value?: number | undefined; line: string }[]>();
  for (const { metric, reading, alertPromptId, event } of judged) {
    if (event !== 'recovered' || !alertPromptId) continue;
    const value = reading.value === undefined ? '' : ` (${formatValue(metric.unit, reading.value)})`;
    const back = byAlert.get(alertPromptId) ?? [];
    back.push({ key: monitorKey(metric.id), value: reading.value, line: `${metric.name}${value}` });
    byAlert.set(alertPromptId, back);
  }
  for (const [promptId, back] of byAlert) {
    const { allBack } = await settleAlerts(client, deps, later, promptId, back, now);
    if (!allBack) continue;
    const lines = back.map((b) => b.line).join(', ');
    await noteInThread(
      client,
      later,
      deploymentId,
      note(`:large_green_circle: All clear: everything in the alert is back to normal (${lines}).`),
    );
  }
  return [...byAlert.values()].flat().map((b) => b.line);
}

/**
 * One page for every monitor in trouble (like Alertmanager's grouping): posted when the first
 * breaches, edited as others join, resolved once all are back. A monitor that stays breached is
 * not announced again.
 */
async function pageMonitorsInTrouble(
  client: pg.PoolClient,
  deps: DeployDeps,
  later: AfterCommit,
  current: Deployment,
  judged: Judged[],
  back: string[],
) {
  const alerted = judged
    .filter(isRaised)
    .map(({ metric, event }) =>
      event === 'alert_breach' ? `${metric.name} is beyond its threshold` : `${metric.name} has no data`,
    );
  const stillAlerting = judged.filter((j) => j.next.alerted).map((j) => j.metric.name);
  if (alerted.length > 0) {
    const lead = leadsToPage(deps.plan, 'rollback');
    const where = `deployment #${current.id} (${current.version}${deps.plan.traffic.mode === 'none' ? '' : ` at ${current.currentPercent}%`})`;
    await pageRoles(
      client,
      deps,
      current.id,
      lead,
      `${stillAlerting.length} monitor${stillAlerting.length === 1 ? '' : 's'} in trouble on ${where}: ${stillAlerting.join(', ')} (new: ${alerted.join('; ')}). See the alert in the thread.`,
      later,
      metricsPage,
    );
  } else if (back.length > 0 && stillAlerting.length === 0) {
    await resolvePage(
      client,
      deps,
      current.id,
      metricsPage,
      `every monitor is back within its threshold (${back.join(', ')})`,
      later,
    );
  }
}
