import { describe, expect, it } from 'vitest';
import { promote } from '../../../../src/deploy/actions/promote.js';
import {
  addTimer,
  auditActions,
  enqueuedRuns,
  runAction,
  seedDeployment,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('promote (awaiting_promotion → running)', () => {
  it('promoting the canary queues exactly one traffic shift to 50% and nothing else', async () => {
    const deployment = await seedDeployment(fx, { state: 'awaiting_promotion', stageIndex: 0 });
    const soak = await addTimer(
      fx,
      deployment.id,
      { kind: 'soak_end', key: 'soak-1-0-0', payload: { stageIndex: 0 } },
      'fired',
    );

    const { later, result, after } = await runAction(fx, promote, deployment, { decision: 'promote' });

    expect(after.state).toBe('running');
    expect(result).toBe('Promoting deployment #1 (v4.0.0 → production) to 50%.');
    const [shift, ...others] = await enqueuedRuns(fx, later);
    expect(others).toEqual([]);
    expect(shift).toMatchObject({
      stepId: 'shift_to_expanded',
      stepName: 'Shift traffic to 50% (Stage 2: Expanded)',
      phase: 'rollout',
      position: fx.plan.steps.length + 2,
      attempt: 1,
      status: 'pending',
    });
    // The canary's soak timer already fired: nothing is left to cancel.
    expect(later.disarm).toEqual([]);
    expect(await timerStatus(fx, soak.id)).toBe('fired');
    expect(later.arm).toEqual([]);
    expect(later.notify).toEqual([]);
    expect(later.followUps).toEqual([]);
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'promote',
      detail: { toStage: 'expanded', toPercent: 50 },
    });
  });

  it('promoting cancels a soak timer of the stage that is still pending, so it cannot ask again', async () => {
    const deployment = await seedDeployment(fx, { state: 'awaiting_promotion', stageIndex: 0 });
    const soak = await addTimer(fx, deployment.id, {
      kind: 'soak_end',
      key: 'soak-1-0-1',
      payload: { stageIndex: 0 },
    });
    const checkIn = await addTimer(fx, deployment.id, { kind: 'check_in', key: 'check-in-1-5' });

    const { later } = await runAction(fx, promote, deployment, { decision: 'promote' });

    expect(later.disarm.map((timer) => timer.id)).toEqual([soak.id]);
    expect(await timerStatus(fx, soak.id)).toBe('cancelled');
    // Check-ins go on through the next stage.
    expect(await timerStatus(fx, checkIn.id)).toBe('pending');
  });

  it('promoting the expanded stage queues the shift to 100%', async () => {
    const deployment = await seedDeployment(fx, { state: 'awaiting_promotion', stageIndex: 1 });

    const { later, result } = await runAction(fx, promote, deployment, { decision: 'promote' });

    expect(result).toContain('to 100%.');
    const runs = await enqueuedRuns(fx, later);
    expect(runs.map((run) => [run.stepId, run.position])).toEqual([
      ['shift_to_full', fx.plan.steps.length + 3],
    ]);
  });

  it('a promotion while the canary is still soaking is refused and queues nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });

    const error = await runAction(fx, promote, deployment, { decision: 'promote' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    expect(String(error.message)).toContain('"promote" is not possible now');
    const shifts = await fx.db.query(`SELECT 1 FROM step_runs WHERE step_id LIKE 'shift_to_%'`);
    expect(shifts.rowCount).toBe(0);
  });

  it('a promotion approved at the canary that lands after the deployment reached 50% is refused and queues nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'awaiting_promotion', stageIndex: 1 });

    const error = await runAction(fx, promote, deployment, { decision: 'promote' }, undefined, {
      approvedStageIndex: 0,
    }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    expect(String(error.message)).toContain('The deployment moved on while you decided');
    const fresh = await fx.db.query('SELECT state FROM deployments WHERE id = $1', [deployment.id]);
    expect(fresh.rows[0]?.state).toBe('awaiting_promotion');
    const shifts = await fx.db.query(`SELECT 1 FROM step_runs WHERE step_id LIKE 'shift_to_%'`);
    expect(shifts.rowCount).toBe(0);
  });

  it('at full traffic there is no later stage to promote to', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });

    const error = await runAction(fx, promote, deployment, { decision: 'promote' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict', message: 'There is no later stage to promote to.' });
  });
});
