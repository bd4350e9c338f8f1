import { describe, expect, it } from 'vitest';
import { deriveStages, soakMet } from '../../../src/report/derive-stages.js';
import { at, audit, plan, rolloutAudit } from './fixture.js';

describe('deriveStages', () => {
  const stages = deriveStages({
    stages: plan.stages,
    audit: rolloutAudit,
    now: at(100),
    timeScale: 1,
    endedAt: at(76),
  });
  const [canary, expanded, full] = stages;

  it('measures each soak from going live to the promotion, and names who promoted', () => {
    expect(canary).toMatchObject({
      reached: true,
      startedAt: at(0.5),
      soakEndedAt: at(25),
      soakMs: 24.5 * 3600_000,
      endedBy: 'promote',
      endedByActor: 'ULEAD',
    });
    expect(canary?.expectedSoakMs).toBe(24 * 3600_000);
    expect(soakMet(canary as never)).toBe(true);
  });

  it('flags a skipped soak with its reason and counts the time on hold', () => {
    expect(expanded).toMatchObject({
      soakSkipped: true,
      skipReason: 'hotfix for login outage',
      endedBy: 'skip_soak',
      endedByActor: 'ULEAD',
      heldMs: 2 * 3600_000,
    });
    expect(expanded?.soakMs).toBeCloseTo(14.9 * 3600_000, -3);
    expect(soakMet(expanded as never)).toBe(false);
  });

  it('ends the last stage at the declaration', () => {
    expect(full).toMatchObject({ endedBy: 'declare_complete', endedByActor: 'UPROJECT', ongoing: false });
    expect(full?.soakMs).toBeCloseTo(35.8 * 3600_000, -3);
  });

  it('leaves a stage that is still soaking open, measured up to now', () => {
    const open = deriveStages({
      stages: plan.stages,
      audit: rolloutAudit.slice(0, 2),
      now: at(10.5),
      timeScale: 1,
      endedAt: null,
    });
    expect(open[0]).toMatchObject({ ongoing: true, soakMs: 10 * 3600_000, endedBy: null });
    expect(open[1]).toMatchObject({ reached: false, startedAt: null, soakMs: null });
  });

  it('ends a stage at a rollback and compares it with the plan at TIME_SCALE', () => {
    const rolledBack = deriveStages({
      stages: plan.stages,
      audit: [
        audit(0, 'steps_done', 'stagecoach', { stage: 'canary' }),
        audit(0.0001, 'rollback', 'ULEAD', { reason: 'errors' }),
      ],
      now: at(1),
      timeScale: 57_600,
      endedAt: at(0.001),
    });
    expect(rolledBack[0]).toMatchObject({ endedBy: 'rollback', endedByActor: 'ULEAD', expectedSoakMs: 1500 });
  });
});
