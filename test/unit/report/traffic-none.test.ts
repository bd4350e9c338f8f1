// Issue #15: the review of a deployment without traffic control claims no share of traffic.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import { reportMessage } from '../../../src/report/report-message.js';
import { report } from './fixture.js';

const base = report();
const withoutTraffic = report({
  stages: base.stages.map((stage) => ({ ...stage, percent: null })),
  metrics: base.metrics.map((group) => ({ ...group, percent: null })),
});
const stageShare = /\((10|50|100)%\)|\| (10|50|100)% \|/;

describe('a report under traffic: none', () => {
  it('names the stages without a percentage in the markdown', () => {
    expect(renderMarkdown(base)).toMatch(stageShare);
    const markdown = renderMarkdown(withoutTraffic);
    expect(markdown).not.toMatch(stageShare);
    expect(markdown).toContain('| Stage 1: Canary | no traffic control |');
  });

  it('names the stages without a percentage in the Slack message', () => {
    const text = JSON.stringify(reportMessage({ report: withoutTraffic, files: [] }));
    expect(text).toContain('*Stage 1: Canary*:');
    expect(text).not.toMatch(/\((10|50|100)%\)/);
  });
});
