import { mention } from '../../announce/format.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { getEnvironmentLock, lockEnvironment, unlockEnvironment } from '../../infra/db/environment-locks.js';
import { inTransaction } from '../../infra/db/pool.js';
import type { DeployDeps } from '../../ports.js';
import { authorize } from '../authorize.js';

function checkEnvironment(deps: DeployDeps, environment: string) {
  if (!deps.plan.environments.includes(environment)) {
    throw new AppError(
      'bad_input',
      `\`${environment}\` is not an environment of this plan. Use one of: ${deps.plan.environments.join(', ')}.`,
    );
  }
}

export async function lock(
  deps: DeployDeps,
  input: { environment: string; reason?: string | undefined; userId: string },
) {
  checkEnvironment(deps, input.environment);
  await authorize(deps, 'lock', input.userId);
  const reason = input.reason?.trim() || 'no reason given';
  const locked = await inTransaction(deps.db, async (client) => {
    const inserted = await lockEnvironment(client, input.environment, reason, input.userId);
    if (inserted)
      await writeAudit(client, {
        actor: input.userId,
        action: 'lock',
        detail: { environment: input.environment, reason },
      });
    return inserted;
  });
  if (!locked) {
    const existing = await getEnvironmentLock(deps.db, input.environment);
    return `${input.environment} was already locked by ${mention(existing?.lockedBy ?? 'someone')}: ${existing?.reason ?? ''}`;
  }
  return `${input.environment} is locked: ${reason}. No deployment can start until \`/deploy unlock ${input.environment}\`.`;
}

/** A lock left by a rollback needs a reason to lift: someone has looked at what went wrong. */
export async function unlock(
  deps: DeployDeps,
  input: { environment: string; reason?: string | undefined; userId: string },
) {
  checkEnvironment(deps, input.environment);
  await authorize(deps, 'lock', input.userId);
  const existing = await getEnvironmentLock(deps.db, input.environment);
  if (!existing) return `${input.environment} is not locked.`;
  if (existing.lockedBy === 'stagecoach' && !input.reason?.trim()) {
    throw new AppError(
      'bad_input',
      `${input.environment} was locked after a rollback (${existing.reason}). Say why it is safe now: \`/deploy unlock ${input.environment} <reason>\`.`,
    );
  }
  await inTransaction(deps.db, async (client) => {
    await unlockEnvironment(client, input.environment);
    await writeAudit(client, {
      actor: input.userId,
      action: 'unlock',
      detail: { environment: input.environment, reason: input.reason, lock: existing },
    });
  });
  return `${input.environment} is unlocked${input.reason ? `: ${input.reason}` : ''}.`;
}
