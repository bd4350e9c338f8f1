import { formatDuration } from '../plan/duration.js';
import { soakMet } from './derive-stages.js';
import {
  actionLabel,
  formatActor,
  formatLimit,
  formatMetric,
  formatSpan,
  formatStamp,
  outcomeLabel,
  stageEndLabels,
} from './format-report.js';
import type { Report, ReportStage } from './report.js';

/** The post-deployment review as a Markdown document, uploaded beside the Slack summary. */
export function renderMarkdown(report: Report, options: { chartFile?: string | undefined } = {}): string {
  const { deployment } = report;
  const stamp = (date: Date | null) => (date ? formatStamp(date, report.timeZone) : '—');
  const actor = (id: string | null) => formatActor(id, 'markdown');
  const lines: string[] = [
    `# Post-deployment review: ${report.application} ${deployment.version} → ${deployment.environment} (#${deployment.id})`,
    '',
    `Generated ${stamp(report.generatedAt)} by Stagecoach. Times are in ${report.timeZone}.`,
  ];
  if (report.timeScale !== 1) {
    lines.push(
      '',
      `> Rehearsal: TIME_SCALE ${report.timeScale} divided every planned delay, so the soaks below are compared with the plan at that scale.`,
    );
  }

  lines.push('', '## Summary', '', ...table(['', ''], summaryRows(report)));

  lines.push('', '## Timeline', '');
  lines.push(
    ...(report.timeline.length === 0
      ? ['Nothing was recorded.']
      : table(
          ['Time', 'Who', 'What', 'State', 'Detail'],
          report.timeline.map((entry) => [
            stamp(entry.at),
            actor(entry.actor),
            actionLabel(entry.action),
            entry.from && entry.to && entry.from !== entry.to
              ? `${entry.from} → ${entry.to}`
              : (entry.to ?? ''),
            entry.detail,
          ]),
        )),
  );

  lines.push('', '## Stages', '');
  lines.push(
    ...table(
      ['Stage', 'Traffic', 'Went live', 'Soak (actual)', 'Soak (plan, minimum)', 'Verdict', 'Ended'],
      report.stages.map((stage) => [
        stage.name,
        stage.percent === null ? 'no traffic control' : `${stage.percent}%`,
        stamp(stage.startedAt),
        stage.soakMs === null ? '—' : `${formatSpan(stage.soakMs)}${stage.ongoing ? ' so far' : ''}`,
        planSoak(stage, report.timeScale),
        verdict(stage),
        stage.endedBy ? `${stageEndLabels[stage.endedBy]} by ${actor(stage.endedByActor)}` : '—',
      ]),
    ),
  );
  const stageNotes = report.stages.flatMap((stage) => [
    ...(stage.extensions > 0
      ? [`- ${stage.name}: soak extended ${stage.extensions} time${stage.extensions > 1 ? 's' : ''}.`]
      : []),
    ...(stage.heldMs > 0
      ? [`- ${stage.name}: on hold for ${formatDuration(stage.heldMs)} during the soak.`]
      : []),
  ]);
  if (stageNotes.length > 0) lines.push('', ...stageNotes);

  lines.push('', '## Steps', '');
  lines.push(
    ...(report.steps.length === 0
      ? ['No step ran.']
      : table(
          ['#', 'Step', 'Phase', 'Attempt', 'Status', 'Started', 'Took', 'Timeout', 'Of timeout'],
          report.steps.map((step, i) => [
            String(i + 1),
            step.name,
            step.phase.replaceAll('_', ' '),
            String(step.attempt),
            step.status.replaceAll('_', ' ') +
              (step.summary && step.status !== 'succeeded' ? `: ${step.summary}` : ''),
            stamp(step.startedAt),
            formatSpan(step.durationMs),
            formatSpan(step.timeoutMs),
            share(step.durationMs, step.timeoutMs),
          ]),
        )),
  );

  lines.push('', '## Issues', '');
  lines.push(
    ...(report.issues.length === 0
      ? ['No issues were reported.']
      : table(
          ['#', 'Severity', 'Description', 'Reported by', 'Owner', 'Status', 'Resolution'],
          report.issues.map((issue) => [
            String(issue.id),
            issue.severity,
            issue.description,
            `${actor(issue.reportedBy)} at ${stamp(issue.createdAt)}`,
            actor(issue.owner),
            issue.status,
            issue.status === 'resolved'
              ? `resolved by ${actor(issue.resolvedBy)}${issue.resolvedAt ? ` at ${stamp(issue.resolvedAt)}` : ''}${issue.resolution ? `: ${issue.resolution}` : ''}`
              : 'open',
          ]),
        )),
  );

  lines.push('', '## Metrics per stage');
  if (report.metrics.length === 0) lines.push('', 'No metric readings were recorded.');
  for (const group of report.metrics) {
    lines.push('', `### ${group.stageName}${group.percent === null ? '' : ` (${group.percent}%)`}`, '');
    lines.push(
      ...table(
        ['Metric', 'Limit', 'Samples', 'Min', 'Avg', 'Max', 'Breaches', 'No data'],
        group.metrics.map((metric) => [
          metric.name,
          formatLimit(metric),
          String(metric.samples),
          formatMetric(metric.unit, metric.min),
          formatMetric(metric.unit, metric.avg),
          formatMetric(metric.unit, metric.max),
          String(metric.breaches),
          String(metric.unknowns),
        ]),
      ),
    );
  }
  if (options.chartFile) {
    const names = report.chart.series.map((series) => series.name).join(' and ');
    lines.push(
      '',
      `A chart of ${names} across the stages, with the stage changes marked, is attached as \`${options.chartFile}\`.`,
    );
  }

  lines.push('', '## Documentation updates', '');
  lines.push(
    ...(report.documentation.length === 0
      ? ['The plan lists none.']
      : report.documentation.map((doc) =>
          doc.doneAt
            ? `- [x] ${inline(doc.item)} (${actor(doc.doneBy)}, ${stamp(doc.doneAt)})`
            : `- [ ] ${inline(doc.item)}`,
        )),
  );
  return `${lines.join('\n')}\n`;
}

function summaryRows(report: Report): string[][] {
  const { deployment, stages, steps, issues, metrics } = report;
  const stamp = (date: Date) => formatStamp(date, report.timeZone);
  const reached = stages.filter((stage) => stage.soakMs !== null);
  const soaked = reached.reduce((sum, stage) => sum + (stage.soakMs ?? 0), 0);
  const planned = reached.reduce((sum, stage) => sum + stage.expectedSoakMs, 0);
  const retries = steps.filter((step) => step.attempt > 1).length;
  const failed = steps.filter((step) => ['failed', 'timed_out', 'interrupted'].includes(step.status)).length;
  const bySeverity = (['critical', 'major', 'minor'] as const).map(
    (severity) => `${issues.filter((issue) => issue.severity === severity).length} ${severity}`,
  );
  const open = issues.filter((issue) => issue.status === 'open').length;
  const all = metrics.flatMap((group) => group.metrics);
  const breaches = all.reduce((sum, metric) => sum + metric.breaches, 0);
  const unknowns = all.reduce((sum, metric) => sum + metric.unknowns, 0);
  return [
    ['**Outcome**', outcomeLabel(deployment.state)],
    [
      '**Version**',
      `${deployment.version}${deployment.previousVersion ? ` (previous: ${deployment.previousVersion})` : ''}`,
    ],
    ['**Environment**', deployment.environment],
    ['**Started by**', formatActor(deployment.startedBy, 'markdown')],
    ['**Started**', stamp(deployment.createdAt)],
    ['**Ended**', deployment.endedAt ? stamp(deployment.endedAt) : 'still going'],
    ['**Total duration**', `${formatDuration(report.totalMs)}${deployment.endedAt ? '' : ' so far'}`],
    [
      '**Soak, all stages**',
      reached.length === 0 ? '—' : `${formatDuration(soaked)} (plan: at least ${formatDuration(planned)})`,
    ],
    [
      '**Steps**',
      `${steps.length} run${steps.length === 1 ? '' : 's'}, ${retries} retr${retries === 1 ? 'y' : 'ies'}, ${failed} failed`,
    ],
    [
      '**Issues**',
      issues.length === 0 ? 'none' : `${issues.length} (${bySeverity.join(', ')}), ${open} open`,
    ],
    [
      '**Metric readings**',
      `${all.reduce((sum, m) => sum + m.samples, 0)}, ${breaches} over threshold, ${unknowns} without data`,
    ],
    [
      '**Plan**',
      `${deployment.planName}${deployment.dryRun ? ' (dry run: commands were listed, not run)' : ''}`,
    ],
  ];
}

function planSoak(stage: ReportStage, timeScale: number): string {
  const plan = formatDuration(stage.minSoakMs);
  return timeScale === 1 || stage.minSoakMs === 0
    ? plan
    : `${plan} (${formatDuration(stage.expectedSoakMs)} scaled)`;
}

function verdict(stage: ReportStage): string {
  if (!stage.reached) return 'not reached';
  if (stage.ongoing) return 'soaking';
  if (stage.soakSkipped) return `skipped early${stage.skipReason ? `: ${stage.skipReason}` : ''}`;
  if (stage.endedBy === 'rollback') return 'rolled back';
  return soakMet(stage) ? 'met' : 'short';
}

function share(durationMs: number | null, timeoutMs: number | null): string {
  if (durationMs === null || !timeoutMs) return '—';
  const percent = Math.round((durationMs / timeoutMs) * 100);
  return percent === 0 && durationMs > 0 ? '<1%' : `${percent}%`;
}

const inline = (text: string) => text.replace(/\s+/g, ' ').trim();
const cell = (text: string) => inline(text).replaceAll('|', '\\|') || ' ';

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}
