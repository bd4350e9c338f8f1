import { describe, expect, it } from 'vitest';
import { decisionsRunSlower, scaled, scaledForPeople } from '../../../../src/deploy/flow/timers.js';

const settings = (timeScale: number, decisionScale?: number) => ({
  settings: { timeScale, decisionScale } as never,
});
const thirtyMinutes = 30 * 60_000;

describe('scaled and scaledForPeople', () => {
  it('without a decision scale both divide by TIME_SCALE', () => {
    const deps = settings(3600);
    expect(scaled(deps, thirtyMinutes)).toBe(500);
    expect(scaledForPeople(deps, thirtyMinutes)).toBe(500);
    expect(decisionsRunSlower(deps)).toBe(false);
  });

  it('with REHEARSAL_DECISION_SCALE, soaks fly by and decisions keep their own pace', () => {
    const deps = settings(28_800, 1);
    expect(scaled(deps, 24 * 3600_000)).toBe(3_000);
    expect(scaledForPeople(deps, thirtyMinutes)).toBe(thirtyMinutes);
    expect(decisionsRunSlower(deps)).toBe(true);
    expect(scaledForPeople(settings(28_800, 60), thirtyMinutes)).toBe(30_000);
  });
});
