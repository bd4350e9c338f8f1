import { resolve } from 'node:path';
import type pg from 'pg';
import { declarePrompt, note } from '../../announce/blocks/rollout-messages.js';
import { declareButtons } from '../../announce/buttons.js';
import { slackTime } from '../../announce/format.js';
import { recordPrompt } from '../../announce/prompts.js';
import { noteInThread } from '../../announce/thread.js';
import { writeAudit } from '../../infra/db/audit.js';
import type { Deployment } from '../../infra/db/deployments.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { countAlertsSince, metricsWithoutDataSince } from '../../infra/db/monitoring.js';
import { listOpenPrompts } from '../../infra/db/prompts.js';
import { createRedactor } from '../../infra/run/redact.js';
import { runCommand } from '../../infra/run/run-command.js';
import { formatDuration } from '../../plan/duration.js';
import { substitute } from '../../plan/variables.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../after-commit.js';
import { roleName } from '../authorize.js';
import { commandVars, planCommandEnv } from './execute-step.js';
import { finishDryRun } from './finish-dry-run.js';
import { scaled, scheduleTimer } from './timers.js';

export interface SuccessEvaluation {
  met: boolean;
  lines: string[];
}

/** At 100%: the criteria are first judged when the success window (72 h in the plan) has passed. */
export async function startSuccessWindow(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
) {
  // A dry run asks nobody to declare completion: it ends here by itself.
  if ((await getDeployment(client, deploymentId))?.dryRun)
    return finishDryRun(client, deps, deploymentId, later, 'declaration');
  const windowMs = deps.plan.successCriteria.window;
  await scheduleSuccessCheck(client, deps, deploymentId, windowMs, later);
  const at = new Date(deps.clock().getTime() + scaled(deps, windowMs));
  const text = `:eyes: All traffic is on the new version. The success window of ${formatDuration(windowMs)} has started; the success criteria are checked at ${slackTime(at, deps.plan.timezone)}:\n${deps.plan.successCriteria.criteria.map((c) => `• ${c}`).join('\n')}`;
  await noteInThread(client, later, deploymentId, note(text));
}

async function scheduleSuccessCheck(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  afterMs: number,
  later: AfterCommit,
) {
  const count = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM timers WHERE deployment_id = $1 AND kind = 'success_check'`,
    [deploymentId],
  );
  later.arm.push(
    await scheduleTimer(client, deps, {
      deploymentId,
      kind: 'success_check',
      key: `success-${deploymentId}-${count.rows[0]?.n ?? 0}`,
      afterMs,
    }),
  );
}

/**
 * Section 6 over the trailing window: every monitor in range with data, no critical or major issue
 * open (and no critical one reported), and the plan's integration checks passing. Read before the
 * transaction: the checks run commands.
 */
export async function evaluateSuccess(deps: DeployDeps, deploymentId: number): Promise<SuccessEvaluation> {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (!deployment) return { met: false, lines: ['the deployment is gone'] };
  const now = deps.clock();
  const since = new Date(now.getTime() - scaled(deps, deps.plan.successCriteria.window));
  const lines: string[] = [];
  let met = true;
  const fail = (line: string) => {
    met = false;
    lines.push(`:x: ${line}`);
  };
  if (deps.plan.traffic.mode === 'none')
    lines.push(
      `:white_check_mark: ${deployment.environment} runs ${deployment.version} (no traffic control)`,
    );
  else if (deployment.currentPercent === 100)
    lines.push(`:white_check_mark: ${deployment.environment} runs ${deployment.version} at 100%`);
  else fail(`${deployment.environment} is at ${deployment.currentPercent}%, not 100%`);
  const alerts = await countAlertsSince(deps.db, deploymentId, since);
  const silent = await metricsWithoutDataSince(
    deps.db,
    deploymentId,
    deps.plan.monitoring.metrics.map((m) => m.id),
    since,
  );
  if (alerts.raised > 0 || alerts.active > 0)
    fail(`monitoring raised ${alerts.raised} alert(s) in the window; ${alerts.active} still active`);
  else if (silent.length > 0) fail(`no data in the window for: ${silent.join(', ')}`);
  else lines.push(':white_check_mark: every monitor stayed within its threshold');
  const issues = await deps.db.query<{ severity: string; open: number; recent: number }>(
    `SELECT severity, count(*) FILTER (WHERE status = 'open')::int AS open, count(*) FILTER (WHERE created_at >= $2)::int AS recent
     FROM issues WHERE deployment_id = $1 AND severity IN ('critical', 'major') GROUP BY severity`,
    [deploymentId, since],
  );
  const open = issues.rows.reduce((sum, row) => sum + row.open, 0);
  const recentCritical = issues.rows.find((row) => row.severity === 'critical')?.recent ?? 0;
  if (open > 0) fail(`${open} critical or major issue(s) still open`);
  else if (recentCritical > 0) fail(`${recentCritical} critical issue(s) reported in the window`);
  else lines.push(':white_check_mark: no critical or major issue open');
  if (met) {
    for (const check of deps.plan.successCriteria.integrationChecks) {
      const vars = await commandVars(deps.plan, deps.settings, deployment, 100);
      const outcome = await runCommand({
        command: substitute(check.command, vars),
        cwd: resolve(deps.settings.workspaceDir, check.cwd ?? '.'),
        timeoutMs: check.timeout,
        redact: createRedactor(deps.settings.secrets),
        baseEnv: planCommandEnv(deps.plan, deps.settings, vars).env,
      });
      if (outcome.status === 'succeeded') lines.push(`:white_check_mark: ${check.name} passed`);
      else fail(`${check.name}: ${outcome.summary}`);
    }
  }
  return { met, lines };
}

/** Acts on an evaluation inside the timer's transaction: ask for the declaration, or look again later. */
export async function actOnSuccessCheck(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  evaluation: SuccessEvaluation,
  later: AfterCommit,
) {
  if (deployment.state !== 'success_window') return;
  if (!evaluation.met) {
    const again = deps.plan.successCriteria.recheckEvery;
    await scheduleSuccessCheck(client, deps, deployment.id, again, later);
    // Said once per set of reasons: an hourly re-check that finds the same thing stays quiet.
    const previous = await client.query<{ detail: { lines?: string[] } }>(
      `SELECT detail FROM audit_log WHERE deployment_id = $1 AND action = 'success_not_met' ORDER BY id DESC LIMIT 1`,
      [deployment.id],
    );
    if (JSON.stringify(previous.rows[0]?.detail.lines) === JSON.stringify(evaluation.lines)) return;
    await writeAudit(client, {
      deploymentId: deployment.id,
      actor: 'stagecoach',
      action: 'success_not_met',
      detail: { lines: evaluation.lines },
    });
    const text = `:hourglass: Success criteria not met yet (checked again every ${formatDuration(again)}):\n${evaluation.lines.join('\n')}`;
    await noteInThread(client, later, deployment.id, note(text));
    return;
  }
  if ((await listOpenPrompts(client, deployment.id, 'declare_complete')).length > 0) return;
  const approvers = deps.plan.authorization.declareComplete
    .map((role) => roleName(deps.plan, role))
    .join(' or ');
  await recordPrompt(client, later, deployment.id, 'declare_complete', (promptId) => {
    const message = declarePrompt({
      promptId,
      approvers,
      buttons: declareButtons(promptId),
      traffic: deps.plan.traffic.mode,
    });
    const criteria = evaluation.lines.join('\n');
    return {
      text: `${message.text}\n${criteria}`,
      blocks: [
        message.blocks[0] as never,
        { type: 'section', text: { type: 'mrkdwn', text: criteria } },
        ...message.blocks.slice(1),
      ],
    };
  });
}

/** A blocking issue was resolved: if the window already passed, judge again now instead of in an hour. */
export async function recheckSuccessSoon(
  client: pg.PoolClient,
  deps: DeployDeps,
  deployment: Deployment,
  later: AfterCommit,
) {
  if (deployment.state !== 'success_window' || !deployment.stageStartedAt) return;
  const elapsed = deps.clock().getTime() - deployment.stageStartedAt.getTime();
  if (elapsed < scaled(deps, deps.plan.successCriteria.window)) return;
  await scheduleSuccessCheck(client, deps, deployment.id, 0, later);
}
