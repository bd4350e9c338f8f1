import { describe, expect, it } from 'vitest';
import { reportMessage } from '../../../src/report/report-message.js';
import { report } from './fixture.js';

const blockTexts = (blocks: Record<string, unknown>[]) => JSON.stringify(blocks);

describe('reportMessage', () => {
  const message = reportMessage({ report: report(), files: ['review.md', 'review-chart.png'] });
  const json = blockTexts(message.blocks);

  it('has a plain-text fallback with outcome, duration and issues', () => {
    expect(message.text).toBe(
      ':clipboard: Post-deployment review of #7 Medplum EHR v4.0.0 → production: Completed after 76h; issues: 2 (1 major, 1 minor), 1 open.',
    );
  });

  it('shows each stage with its soak against the plan and who ended it', () => {
    expect(json).toContain('*Stage 1: Canary* (10%): soaked 24h 30m (plan ≥ 24h) · promoted by <@ULEAD>');
    expect(json).toContain(
      '*Stage 2: Expanded* (50%): soaked 14h 54m (plan ≥ 48h) · :warning: skipped early: hotfix for login outage · promoted early by <@ULEAD>',
    );
    expect(json).toContain(
      '*Stage 3: Full* (100%): soaked 35h 48m (no minimum) · declared complete by <@UPROJECT>',
    );
  });

  it('highlights the charted metrics and the breaches per stage', () => {
    expect(json).toContain(
      '*Stage 1: Canary* (10%): API response time (p95) max 410 ms (≤ 500 ms) · Error rate (5xx share of requests) max 1.4% (≤ 1.0%) · :red_circle: 2 over threshold (Error rate (5xx share of requests)) · 1 without data',
    );
    expect(json).toContain(':large_green_circle: nothing over threshold');
  });

  it('names the attached files', () => {
    expect(json).toContain('Attached below: `review.md`, `review-chart.png`.');
  });
});
