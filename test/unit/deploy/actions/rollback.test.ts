import { describe, expect, it } from 'vitest';
import { rollback } from '../../../../src/deploy/actions/rollback.js';
import { getPrompt } from '../../../../src/infra/db/prompts.js';
import {
  addPrompt,
  addTimer,
  enqueuedRuns,
  followUpKinds,
  notifiedKeys,
  runAction,
  seedDeployment,
  threadNotes,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('rollback (→ rolling_back)', () => {
  it('rolling back the soaking canary queues the revert, stops its timers and monitoring, and says why in the thread', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const soak = await addTimer(fx, deployment.id, {
      kind: 'soak_end',
      key: 'soak-1-0-0',
      payload: { stageIndex: 0 },
    });
    const checkIn = await addTimer(fx, deployment.id, { kind: 'check_in', key: 'check-in-1-3' });
    const report = await addTimer(fx, deployment.id, { kind: 'report', key: 'report-1' });
    const open = await addPrompt(fx, deployment.id, 'check_in', { n: 2 });

    const { later, after, result } = await runAction(fx, rollback, deployment, {
      decision: 'rollback',
      reason: 'login errors at 4%',
    });

    expect(after.state).toBe('rolling_back');
    expect(result).toBe('Rolling back deployment #1 (v4.0.0 → production). Progress is in the thread.');
    const runs = await enqueuedRuns(fx, later);
    expect(runs.map((run) => [run.stepId, run.stepName, run.phase, run.position, run.attempt])).toEqual([
      ['revert', 'Revert to the previous version', 'rollback', 1000, 1],
    ]);
    expect(later.disarm.map((timer) => timer.id).sort()).toEqual([soak.id, checkIn.id].sort());
    expect(await timerStatus(fx, report.id)).toBe('pending');
    expect(followUpKinds(later)).toEqual(['show_decided', 'stop_monitoring', 'thread_note']);
    expect(later.followUps).toContainEqual({ kind: 'stop_monitoring', deploymentId: deployment.id });
    expect(threadNotes(later)).toEqual([
      ':rewind: Rollback started by <@ULEAD>: login errors at 4%. Reverting to v3.9.0.',
    ]);
    // Even a check-in is stale once a rollback starts.
    expect(await getPrompt(fx.db, open.id)).toMatchObject({
      status: 'decided',
      decision: 'Closed by the rollback',
    });
    expect(notifiedKeys(later)).toEqual(['milestone-1-rollback-start:management']);
    expect(later.arm).toEqual([]);
  });

  it('a rollback that is already under way cannot be started again', async () => {
    const deployment = await seedDeployment(fx, { state: 'rolling_back', stageIndex: 0 });

    const error = await runAction(fx, rollback, deployment, { decision: 'rollback' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    const reverts = await fx.db.query(`SELECT 1 FROM step_runs WHERE step_id = 'revert'`);
    expect(reverts.rowCount).toBe(0);
  });
});
