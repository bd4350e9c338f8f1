import { describe, expect, it } from 'vitest';
import { confirmRestore } from '../../../../src/deploy/actions/confirm-restore.js';
import {
  addRun,
  auditActions,
  enqueuedRuns,
  runAction,
  seedDeployment,
  useDeployFixture,
  users,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('confirm restore (awaiting_restore → restoring)', () => {
  it('confirming the restore queues exactly one database restore from the pre-deployment backup', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'awaiting_restore',
      stageIndex: 0,
      backupFile: '/backups/deployment-1.dump',
      schemaChanged: true,
    });
    await addRun(fx, deployment.id, { stepId: 'revert', phase: 'rollback', position: 1000 }, 'succeeded');

    const { later, after, result } = await runAction(fx, confirmRestore, deployment, {
      decision: 'confirm_restore',
      userId: users.dba,
    });

    expect(after.state).toBe('restoring');
    expect(result).toBe(
      'Restoring the database of deployment #1 (v4.0.0 → production) from the pre-deployment backup.',
    );
    const runs = await enqueuedRuns(fx, later);
    expect(runs.map((run) => [run.stepId, run.phase, run.position, run.attempt, run.status])).toEqual([
      ['restore_database', 'rollback', 1001, 1, 'pending'],
    ]);
    expect(later.followUps).toEqual([]);
    expect(later.arm).toEqual([]);
    expect(later.disarm).toEqual([]);
    expect(later.notify).toEqual([]);
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'confirm_restore',
      actor: users.dba,
      detail: { backupFile: '/backups/deployment-1.dump' },
    });
  });

  it('a restore cannot be confirmed while the revert is still running', async () => {
    const deployment = await seedDeployment(fx, { state: 'rolling_back', stageIndex: 0 });

    const error = await runAction(fx, confirmRestore, deployment, { decision: 'confirm_restore' }).catch(
      (e) => e,
    );

    expect(error).toMatchObject({ code: 'conflict' });
  });
});
