import { note } from '../announce/blocks/rollout-messages.js';
import { noDeploymentMessage } from '../announce/blocks/status-message.js';
import { ensureRoot } from '../announce/root.js';
import type { Answer } from '../command-context.js';
import { resolveDeployment } from '../deploy/actions/status.js';
import { claimReportPost, listUnpostedReports, markReportPosted } from '../infra/db/post-claims.js';
import type { UploadFile } from '../infra/slack/messenger.js';
import type { DeployDeps } from '../ports.js';
import { markReviewDone } from '../schedule/track.js';
import { buildReport } from './build-report.js';
import { hasChartData, renderChart } from './render-chart.js';
import { renderMarkdown } from './render-markdown.js';
import { reportMessage } from './report-message.js';

export type ReportDeps = Pick<DeployDeps, 'db' | 'plan' | 'messenger' | 'clock' | 'log' | 'settings'>;

/**
 * The post-deployment review (T+1w, or `/deploy report`): a summary in the deployment's thread,
 * the full review as a Markdown file and the error-rate/latency chart as a PNG beside it.
 */
export async function postReport(deps: ReportDeps, deploymentId: number): Promise<void> {
  const report = await buildReport(deps.db, deps.plan, deploymentId, deps.clock(), {
    timeScale: deps.settings.timeScale,
  });
  const { deployment } = report;
  const base = `stagecoach-review-${deployment.id}-${deployment.environment}-${deployment.version}`.replace(
    /[^\w.-]+/g,
    '_',
  );
  const chart = hasChartData(report.chart) ? await renderChart(report.chart) : undefined;
  const files: UploadFile[] = [
    {
      filename: `${base}.md`,
      title: `Post-deployment review #${deployment.id} (${deployment.version} → ${deployment.environment})`,
      content: renderMarkdown(report, chart ? { chartFile: `${base}-chart.png` } : {}),
    },
    ...(chart
      ? [
          {
            filename: `${base}-chart.png`,
            title: `Error rate and latency across the stages of #${deployment.id}`,
            content: chart,
          },
        ]
      : []),
  ];

  const rootTs = await ensureRoot(deps, deploymentId);
  await deps.messenger.post(
    deployment.channelId,
    reportMessage({ report, files: files.map((f) => f.filename) }),
    rootTs,
  );
  // The summary is out: a failed upload is reported in the thread, not thrown, so a retried timer
  // does not post the summary twice.
  for (const file of files) {
    try {
      await deps.messenger.upload(deployment.channelId, { ...file, threadTs: rootTs });
    } catch (error) {
      deps.log.warn({ err: error, deploymentId, file: file.filename }, 'could not upload a review file');
      const reason = error instanceof Error ? error.message : String(error);
      await deps.messenger.post(
        deployment.channelId,
        note(
          `:warning: Could not attach \`${file.filename}\` (${reason.slice(0, 200)}). The Slack app needs the files:write scope; \`/deploy report ${deployment.id}\` tries again.`,
        ),
        rootTs,
      );
    }
  }
}

/** How long one poster may take to post a report (uploads included) before another takes over. */
export const reportPostLeaseMs = 60_000;

/**
 * The T+1w review, once: posted under a lease and marked posted only after it reached Slack, so
 * a crash or a Slack error after the timer fired leaves it for the reconciler instead of losing it.
 */
export async function publishScheduledReport(deps: ReportDeps, deploymentId: number): Promise<boolean> {
  if (!(await claimReportPost(deps.db, deploymentId, reportPostLeaseMs))) return false;
  await postReport(deps, deploymentId);
  await markReportPosted(deps.db, deploymentId);
  await markReviewDone(deps, deploymentId);
  return true;
}

/** Reports whose timer fired but which never reached Slack (the reconciler's pass). */
export async function publishUnpostedReports(deps: ReportDeps): Promise<number> {
  let posted = 0;
  for (const deploymentId of await listUnpostedReports(deps.db, reportPostLeaseMs)) {
    try {
      if (await publishScheduledReport(deps, deploymentId)) posted++;
    } catch (error) {
      // Slack may still be failing: the lease expires and the next pass tries again.
      deps.log.warn({ err: error, deploymentId }, 'could not post a scheduled report');
    }
  }
  return posted;
}

/** `/deploy report [deployment]`: posts the review in the deployment's thread and says where. */
export async function requestReport(deps: DeployDeps, ref?: string): Promise<Answer> {
  const deployment = await resolveDeployment(deps, ref);
  if (!deployment) return noDeploymentMessage(ref);
  await postReport(deps, deployment.id);
  return `Report for deployment #${deployment.id} (${deployment.version} → ${deployment.environment}) posted in the thread.`;
}
