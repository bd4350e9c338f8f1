import { describe, expect, it } from 'vitest';
import { skipRestore } from '../../../../src/deploy/actions/skip-restore.js';
import { getEnvironmentLock } from '../../../../src/infra/db/environment-locks.js';
import {
  followUpKinds,
  notifiedKeys,
  runAction,
  seedDeployment,
  threadNotes,
  useDeployFixture,
  users,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('skip restore (awaiting_restore → rolled_back)', () => {
  it('keeping the database ends the deployment rolled back, locks production and tells everyone', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'awaiting_restore',
      stageIndex: 0,
      backupFile: '/backups/deployment-1.dump',
      schemaChanged: true,
    });

    const { later, after, result } = await runAction(fx, skipRestore, deployment, {
      decision: 'skip_restore',
      userId: users.dba,
    });

    expect(after.state).toBe('rolled_back');
    expect(after.endedAt).not.toBeNull();
    expect(result).toBe('Kept the database; deployment #1 (v4.0.0 → production) is rolled back.');
    expect(later.enqueue).toEqual([]);
    expect(followUpKinds(later)).toEqual(['refresh_root', 'thread_note']);
    expect(threadNotes(later)).toEqual([
      ':leftwards_arrow_with_hook: Rolled back to v3.9.0. production is locked until someone runs `/deploy unlock production <reason>`.',
    ]);
    expect(await getEnvironmentLock(fx.db, 'production')).toMatchObject({
      reason: 'rolled back deployment #1 (v4.0.0)',
      lockedBy: 'stagecoach',
    });
    expect(notifiedKeys(later)).toEqual([
      'briefing-after-1:support',
      'milestone-1-end:management',
      'status-1-end:status_page',
    ]);
  });
});
