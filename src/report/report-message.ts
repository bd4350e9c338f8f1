import { stateLabels } from '../announce/blocks/labels.js';
import { formatDateTime } from '../announce/format.js';
import { context, fields, header, type Message, section } from '../infra/slack/block-kit.js';
import { formatDuration } from '../plan/duration.js';
import { soakMet } from './derive-stages.js';
import { formatActor, formatLimit, formatMetric, outcomeLabel, stageEndLabels } from './format-report.js';
import type { Report, ReportStage, StageMetrics } from './report.js';

/** The review's short form in the deployment thread; the full document is uploaded beside it. */
export function reportMessage(input: { report: Report; files: string[] }): Message {
  const { report } = input;
  const { deployment, issues } = report;
  const title = `#${deployment.id} ${report.application} ${deployment.version} → ${deployment.environment}`;
  const open = issues.filter((issue) => issue.status === 'open').length;
  const severities = (['critical', 'major', 'minor'] as const)
    .map((severity) => [severity, issues.filter((issue) => issue.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}`);
  const issueText =
    issues.length === 0 ? 'None' : `${issues.length} (${severities.join(', ')}), ${open} open`;
  const took = `${formatDuration(report.totalMs)}${deployment.endedAt ? '' : ' so far'}`;
  const stageLines = report.stages
    .filter((stage) => stage.reached)
    .map((stage) => stageLine(stage, report.timeScale));
  const highlightIds = report.chart.series.map((series) => series.metricId);
  const metricLines = report.metrics.map((group) => metricLine(group, highlightIds));
  const attached =
    input.files.length > 0
      ? `Attached below: ${input.files.map((f) => `\`${f}\``).join(', ')}.`
      : 'No files attached.';
  return {
    text: `:clipboard: Post-deployment review of ${title}: ${outcomeLabel(deployment.state)} after ${took}; issues: ${issueText.toLowerCase()}.`,
    blocks: [
      header(`Post-deployment review ${title}`),
      fields([
        `*Outcome*\n${stateLabels[deployment.state]}`,
        `*Total duration*\n${took}`,
        `*Started by*\n${formatActor(deployment.startedBy, 'slack')}`,
        `*Started*\n${formatDateTime(deployment.createdAt, report.timeZone)}`,
        `*Issues*\n${issueText}`,
        `*Steps*\n${report.steps.length} runs, ${report.steps.filter((s) => s.attempt > 1).length} retries`,
      ]),
      section(`*Stages*\n${stageLines.join('\n') || 'No stage went live.'}`),
      section(`*Metrics per stage*\n${metricLines.join('\n') || 'No metric readings were recorded.'}`),
      context(
        `${attached} The document has the full timeline, every step against its timeout, the issues and all metrics.${
          report.timeScale === 1 ? '' : ` Rehearsal at TIME_SCALE ${report.timeScale}.`
        }`,
      ),
    ],
  };
}

function stageLine(stage: ReportStage, timeScale: number): string {
  const plan =
    stage.minSoakMs === 0
      ? 'no minimum'
      : `plan ≥ ${formatDuration(stage.minSoakMs)}${timeScale === 1 ? '' : ` (${formatDuration(stage.expectedSoakMs)} scaled)`}`;
  const soak =
    stage.soakMs === null
      ? ''
      : `${stage.ongoing ? 'soaking for' : 'soaked'} ${formatDuration(stage.soakMs)} (${plan})`;
  const flag = stage.soakSkipped
    ? ` · :warning: skipped early${stage.skipReason ? `: ${stage.skipReason}` : ''}`
    : !stage.ongoing && stage.endedBy !== 'rollback' && !soakMet(stage)
      ? ' · :warning: short'
      : '';
  const ended = stage.endedBy
    ? ` · ${stageEndLabels[stage.endedBy]} by ${formatActor(stage.endedByActor, 'slack')}`
    : '';
  return `• *${stage.name}*${stage.percent === null ? '' : ` (${stage.percent}%)`}: ${soak}${flag}${ended}`;
}

function metricLine(group: StageMetrics, highlightIds: string[]): string {
  const shown =
    highlightIds.length > 0
      ? group.metrics.filter((m) => highlightIds.includes(m.metricId))
      : group.metrics.slice(0, 2);
  const highlights = shown.map((m) => `${m.name} max ${formatMetric(m.unit, m.max)} (${formatLimit(m)})`);
  const breached = group.metrics.filter((m) => m.breaches > 0);
  const breaches = breached.reduce((sum, m) => sum + m.breaches, 0);
  const unknowns = group.metrics.reduce((sum, m) => sum + m.unknowns, 0);
  const problems = [
    breaches > 0
      ? `:red_circle: ${breaches} over threshold (${breached.map((m) => m.name).join(', ')})`
      : ':large_green_circle: nothing over threshold',
    ...(unknowns > 0 ? [`${unknowns} without data`] : []),
  ];
  return `• *${group.stageName}*${group.percent === null ? '' : ` (${group.percent}%)`}: ${[...highlights, ...problems].join(' · ')}`;
}
