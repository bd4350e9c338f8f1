import { alertMessage } from '../../announce/blocks/alert-message.js';
import { formatValue } from '../../announce/blocks/check-in-message.js';
import { note } from '../../announce/blocks/rollout-messages.js';
import { pageRoles, resolvePage } from '../../announce/page.js';
import { recordPrompt } from '../../announce/prompts.js';
import { noteInThread } from '../../announce/thread.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { getMonitorStates, insertSample, saveMonitorState } from '../../infra/db/monitoring.js';
import { inTransaction } from '../../infra/db/pool.js';
import { cancelAutoRollback } from '../../infra/db/timers.js';
import { evaluate, initialState } from '../../infra/monitor/evaluate.js';
import { readMetric } from '../../infra/monitor/read-metric.js';
import { monitorSources } from '../../infra/monitor/snapshot.js';
import type { DeployDeps } from '../../ports.js';
import { afterCommit, runAfterCommit } from '../after-commit.js';
import { leadsToPage } from '../authorize.js';
import { isTerminal } from '../model/lifecycle.js';
import { isLive } from './check-ins.js';
import { planVariableValues } from './execute-step.js';
import { stopMonitoring } from './monitor-polling.js';
import { scaledForPeople, scheduleTimer } from './timers.js';

/**
 * One poll of every monitor of a deployment, from the first traffic shift to the end: it runs
 * whatever the state (a prompt waiting for a decision included), until the deployment ends.
 */
const monitorLockSpace = 7_400_212;

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
  const sources = monitorSources(deps.plan, deps.settings, {
    environment: deployment.environment,
    ...planVariableValues(deps.plan, deployment),
  });
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

async function pollOnce(
  deps: DeployDeps,
  deploymentId: number,
  readings: Awaited<ReturnType<typeof readMetric>>[],
  now: Date,
): Promise<string> {
  const { metrics } = deps.plan.monitoring;
  const later = afterCommit();
  await inTransaction(deps.db, async (client) => {
    // One poll of a deployment at a time, without holding the deployment's row (decisions must not wait on polls).
    const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [
      monitorLockSpace,
      deploymentId,
    ]);
    if (!locked.rows[0]?.ok) return;
    const current = await getDeployment(client, deploymentId);
    if (
      !current ||
      isTerminal(current.state) ||
      ['rolling_back', 'awaiting_restore', 'restoring', 'rollback_failed'].includes(current.state)
    )
      return;
    const states = await getMonitorStates(client, deploymentId);
    const alerted: string[] = [];
    const recovered: string[] = [];
    const stillAlerting: string[] = [];
    for (const [index, metric] of metrics.entries()) {
      const reading = readings[index];
      if (!reading) continue;
      await insertSample(client, {
        deploymentId,
        metricId: metric.id,
        value: reading.value,
        status: reading.status,
        stageIndex: current.stageIndex,
        percent: current.currentPercent,
      });
      const { next, event } = evaluate(states.get(metric.id) ?? initialState, reading, metric, now);
      let alertPromptId: number | null = null;
      if (event === 'alert_breach' || event === 'alert_unknown') {
        const { autoRollback } = deps.plan.monitoring;
        const autoAt =
          event === 'alert_breach' && autoRollback.enabled
            ? new Date(now.getTime() + scaledForPeople(deps, autoRollback.grace))
            : undefined;
        const since = next.since ?? now;
        // Recorded with its rendered message, so the reconciler can post it if this process dies first.
        const prompt = await recordPrompt(
          client,
          later,
          deploymentId,
          'alert',
          (promptId) =>
            alertMessage({
              metric,
              reading,
              since,
              kind: event,
              timeZone: deps.plan.timezone,
              promptId,
              autoRollbackAt: autoAt,
            }),
          { metricId: metric.id, event },
        );
        alertPromptId = prompt.id;
        if (autoAt) {
          later.arm.push(
            await scheduleTimer(client, deps, {
              deploymentId,
              kind: 'auto_rollback',
              key: `auto-rollback-${prompt.id}`,
              afterMs: autoRollback.grace,
              payload: { promptId: prompt.id, metricId: metric.id },
              // The grace is a person's time to press [Hold].
              waitsForPeople: true,
            }),
          );
        }
        alerted.push(
          event === 'alert_breach' ? `${metric.name} is beyond its threshold` : `${metric.name} has no data`,
        );
      }
      if (event === 'recovered') {
        const alertId = states.get(metric.id)?.alertPromptId;
        if (alertId) later.disarm.push(...(await cancelAutoRollback(client, deploymentId, alertId)));
        const value = reading.value === undefined ? '' : ` (${formatValue(metric.unit, reading.value)})`;
        await noteInThread(
          client,
          later,
          deploymentId,
          note(`:large_green_circle: ${metric.name} is back within its threshold${value}.`),
        );
        recovered.push(`${metric.name}${value}`);
      }
      await saveMonitorState(client, deploymentId, metric.id, next, alertPromptId);
      if (next.alerted) stillAlerting.push(metric.name);
    }
    // One page for every monitor in trouble (like Alertmanager's grouping): posted when the first
    // breaches, edited as others join, resolved once all are back. A monitor that stays breached
    // is not announced again.
    if (alerted.length > 0) {
      const lead = leadsToPage(deps.plan, 'rollback');
      const where = `deployment #${deploymentId} (${current.version}${deps.plan.traffic.mode === 'none' ? '' : ` at ${current.currentPercent}%`})`;
      await pageRoles(
        client,
        deps,
        deploymentId,
        lead,
        `${stillAlerting.length} monitor${stillAlerting.length === 1 ? '' : 's'} in trouble on ${where}: ${stillAlerting.join(', ')} (new: ${alerted.join('; ')}). See the alerts in the thread.`,
        later,
        metricsPage,
      );
    } else if (recovered.length > 0 && stillAlerting.length === 0) {
      await resolvePage(
        client,
        deps,
        deploymentId,
        metricsPage,
        `every monitor is back within its threshold (${recovered.join(', ')})`,
        later,
      );
    }
  });
  await runAfterCommit(deps, later);
  return 'polled';
}
