import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import { deployment, plan, report } from './fixture.js';

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(report(), { chartFile: 'review-chart.png' });
  const section = (title: string) => markdown.split(`## ${title}\n`)[1]?.split('\n## ')[0] ?? '';

  it('opens with the title and a summary of outcome and total duration', () => {
    expect(markdown.split('\n')[0]).toBe(
      `# Post-deployment review: ${plan.application} v4.0.0 → production (#7)`,
    );
    const summary = section('Summary');
    expect(summary).toContain('| **Outcome** | Completed |');
    expect(summary).toContain('| **Total duration** | 76h |');
    expect(summary).toContain('| **Version** | v4.0.0 (previous: v3.9.0) |');
    expect(summary).toContain('| **Issues** | 2 (0 critical, 1 major, 1 minor), 1 open |');
    expect(summary).toContain('| **Steps** | 3 runs, 1 retry, 1 failed |');
  });

  it('lists every decision in the timeline with who made it, in the plan time zone', () => {
    const timeline = section('Timeline');
    expect(timeline).toContain(
      '| 2026-12-06 23:00:00 EST | @ULEAD | Promoted | awaiting_promotion → running | toStage: expanded, toPercent: 50 |',
    );
    expect(timeline).toContain('| @UPROJECT | Declared complete | success_window → completed |');
    expect(timeline).toContain('| @UDBA | Held | soaking → held | reason: checking \\| replication lag |');
    expect(timeline).toContain('| Stagecoach | Plan steps done, first stage live |');
  });

  it('compares each soak with the plan and flags the one skipped early', () => {
    const stages = section('Stages');
    expect(stages).toContain(
      '| Stage 1: Canary | 10% | 2026-12-05 22:30:00 EST | 24h 30m | 24h | met | promoted by @ULEAD |',
    );
    expect(stages).toContain('| Stage 2: Expanded | 50% |');
    expect(stages).toContain(
      '| 14h 54m | 48h | skipped early: hotfix for login outage | promoted early by @ULEAD |',
    );
    expect(stages).toContain('| Stage 3: Full | 100% |');
    expect(stages).toContain('declared complete by @UPROJECT');
    expect(stages).toContain('- Stage 2: Expanded: on hold for 2h during the soak.');
  });

  it('shows each step attempt against its timeout', () => {
    const steps = section('Steps');
    expect(steps).toContain(
      '| 1 | Build production artifacts | pre deployment | 1 | failed: exit 1 | 2026-12-05 22:00:36 EST | 2m 24s | 20m | 12% |',
    );
    expect(steps).toContain('| 2 | Build production artifacts | pre deployment | 2 | succeeded |');
    const quick = report().steps.map((step) => ({ ...step, durationMs: 400 }));
    expect(renderMarkdown(report({ steps: quick }))).toContain('| 400ms | 20m | <1% |');
  });

  it('lists the issues with reporter, owner and resolution, escaping table pipes', () => {
    const issues = section('Issues');
    expect(issues).toContain(
      '| 3 | major | Search \\| filters slow for some clinics | @USUPPORT at 2026-12-07 04:00:00 EST | @UBACKEND | resolved | resolved by @UBACKEND at 2026-12-08 00:00:00 EST |',
    );
    expect(issues).toContain(
      '| 4 | minor | Typo on the sign-in page | @USUPPORT at 2026-12-07 19:00:00 EST | — | open | open |',
    );
  });

  it('summarises the metrics per stage with limits and formatted values', () => {
    const metrics = section('Metrics per stage');
    expect(metrics).toContain('### Stage 1: Canary (10%)');
    expect(metrics).toContain(
      '| Error rate (5xx share of requests) | ≤ 1.0% | 1440 | 0.10% | 0.20% | 1.4% | 2 | 1 |',
    );
    expect(metrics).toContain(
      '| API response time (p95) | ≤ 500 ms | 1440 | 210 ms | 280 ms | 410 ms | 0 | 0 |',
    );
    expect(metrics).toContain('### Stage 2: Expanded (50%)');
    expect(metrics).toContain(
      'A chart of Error rate (5xx share of requests) and API response time (p95) across the stages, with the stage changes marked, is attached as `review-chart.png`.',
    );
  });

  it('ends with the documentation checklist', () => {
    expect(section('Documentation updates')).toBe(
      '\n- [x] API reference documentation (@UBACKEND, 2026-12-09 06:00:00 EST)\n- [ ] Release notes\n',
    );
  });

  it('says plainly what is missing and what is still going', () => {
    const running = renderMarkdown(
      report({
        deployment: deployment({ state: 'soaking', endedAt: null }),
        issues: [],
        metrics: [],
        steps: [],
        timeline: [],
        documentation: [],
      }),
    );
    expect(running).toContain('| **Ended** | still going |');
    expect(running).toContain('| **Total duration** | 76h so far |');
    expect(running).toContain('No issues were reported.');
    expect(running).toContain('No metric readings were recorded.');
    expect(running).toContain('No step ran.');
    expect(running).not.toContain('attached as');
  });

  it('explains a rehearsal at TIME_SCALE and shows the scaled minimum', () => {
    const rehearsal = renderMarkdown(
      report({
        timeScale: 57_600,
        stages: report().stages.map((s) => ({ ...s, expectedSoakMs: Math.round(s.minSoakMs / 57_600) })),
      }),
    );
    expect(rehearsal).toContain('> Rehearsal: TIME_SCALE 57600');
    expect(rehearsal).toContain('| 24h (2s scaled) |');
  });
});
