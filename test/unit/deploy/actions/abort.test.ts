import { describe, expect, it } from 'vitest';
import { abort } from '../../../../src/deploy/actions/abort.js';
import {
  addTimer,
  finishRun,
  followUpKinds,
  notifiedKeys,
  runAction,
  runOf,
  seedDeployment,
  threadNotes,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('abort (before production changed → aborted)', () => {
  it('aborting after a failed backup cancels the remaining steps and the go/no-go deadline, keeps the weekly report and tells management', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_failed', stepsSucceeded: 1 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'database_backup')).id, 'failed');
    const deadline = await addTimer(fx, deployment.id, { kind: 'go_no_go', key: 'go-no-go-1' });
    const report = await addTimer(fx, deployment.id, { kind: 'report', key: 'report-1' });

    const { later, after, result } = await runAction(fx, abort, deployment, {
      decision: 'abort',
      reason: 'backup disk full',
    });

    expect(after.state).toBe('aborted');
    expect(after.endedAt).not.toBeNull();
    expect(result).toBe('Aborted deployment #1 (v4.0.0 → production).');
    expect(later.enqueue).toEqual([]);
    expect(later.disarm.map((timer) => timer.id)).toEqual([deadline.id]);
    expect(await timerStatus(fx, report.id)).toBe('pending');
    const pending = await fx.db.query(`SELECT 1 FROM step_runs WHERE status = 'pending'`);
    expect(pending.rowCount).toBe(0);
    expect(followUpKinds(later)).toEqual(['thread_note']);
    expect(threadNotes(later)).toEqual([':no_entry: Aborted by <@ULEAD>. Nothing reached production.']);
    // Nothing changed for users, so the status page hears nothing; management and support do.
    expect(notifiedKeys(later)).toEqual(['briefing-after-1:support', 'milestone-1-end:management']);
  });

  it('abort is refused once an execution step has finished, pointing at rollback instead', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_failed', stepsSucceeded: 5 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'migrations')).id, 'failed');

    const error = await runAction(fx, abort, deployment, { decision: 'abort' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    expect(String(error.message)).toContain('Roll back instead: `/deploy rollback <reason>`');
    const fresh = await fx.db.query('SELECT state FROM deployments WHERE id = $1', [deployment.id]);
    expect(fresh.rows[0]?.state).toBe('step_failed');
  });

  it('a failed infrastructure deploy already counts as touching production, so abort is refused', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_failed', stepsSucceeded: 4 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'infrastructure')).id, 'failed');

    const error = await runAction(fx, abort, deployment, { decision: 'abort' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
  });

  it('a held deployment that never left pre-deployment can be aborted', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'running', stepsSucceeded: 3 });

    const { after } = await runAction(fx, abort, deployment, { decision: 'abort' });

    expect(after.state).toBe('aborted');
  });
});
