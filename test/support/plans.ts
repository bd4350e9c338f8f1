import type { Plan } from '../../src/plan/schema.js';

/** A go/no-go deadline far away, for tests about something else. */
export const withoutGoNoGoDeadline = (plan: Plan): Plan => ({
  ...plan,
  goNoGo: { ...plan.goNoGo, after: 1000 * 3600_000 },
});
