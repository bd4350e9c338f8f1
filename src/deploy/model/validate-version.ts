import { AppError } from '../../errors.js';
import type { Plan } from '../../plan/schema.js';

/** A version reaches commands only if it matches the plan's strict pattern. */
export function validateVersion(plan: Pick<Plan, 'versionPattern'>, version: string): void {
  if (new RegExp(plan.versionPattern).test(version)) return;
  const shown = version.length > 40 ? `${version.slice(0, 40)}…` : version;
  throw new AppError(
    'invalid_version',
    `\`${shown.replaceAll('`', "'")}\` is not a valid version. Versions look like v4.0.0 or v4.0.1-rc.1 (pattern ${plan.versionPattern}). Nothing was started.`,
  );
}
