import { describe, expect, it } from 'vitest';
import { holdAutoRollback } from '../../../../src/deploy/actions/hold-auto-rollback.js';
import { decidePrompt } from '../../../../src/infra/db/prompts.js';
import {
  addPrompt,
  addTimer,
  auditActions,
  runAction,
  seedDeployment,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('hold auto-rollback (state unchanged)', () => {
  it("[Hold] on an error-rate alert cancels that alert's auto-rollback and no other", async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });
    const alert = await addPrompt(fx, deployment.id, 'alert', { metricId: 'error_rate' });
    const other = await addPrompt(fx, deployment.id, 'alert', { metricId: 'cpu' });
    const mine = await addTimer(fx, deployment.id, {
      kind: 'auto_rollback',
      key: 'auto-rollback-1-error_rate',
      payload: { promptId: alert.id, metricId: 'error_rate' },
    });
    const theirs = await addTimer(fx, deployment.id, {
      kind: 'auto_rollback',
      key: 'auto-rollback-1-cpu',
      payload: { promptId: other.id, metricId: 'cpu' },
    });

    const { later, after, result } = await runAction(
      fx,
      holdAutoRollback,
      deployment,
      { decision: 'hold_auto_rollback' },
      alert,
    );

    expect(result).toBe('Auto-rollback cancelled for this alert. Roll back by hand if needed.');
    expect(after.state).toBe('soaking');
    expect(later.disarm.map((timer) => timer.id)).toEqual([mine.id]);
    expect(await timerStatus(fx, mine.id)).toBe('cancelled');
    expect(await timerStatus(fx, theirs.id)).toBe('pending');
    expect(later.enqueue).toEqual([]);
    expect(later.arm).toEqual([]);
    expect(later.followUps).toEqual([]);
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'auto_rollback_held',
      detail: { metricId: 'error_rate' },
    });
  });

  it('[Hold] when no auto-rollback was pending says so and disarms nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });
    const alert = await addPrompt(fx, deployment.id, 'alert', { metricId: 'error_rate' });

    const { later, result } = await runAction(
      fx,
      holdAutoRollback,
      deployment,
      { decision: 'hold_auto_rollback' },
      alert,
    );

    expect(result).toBe('No auto-rollback was pending for this alert.');
    expect(later.disarm).toEqual([]);
  });
});

describe('/deploy no-auto-rollback after the alert was acknowledged', () => {
  it('finds the answered alert whose auto-rollback still counts down, and holds it', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });
    const alert = await addPrompt(fx, deployment.id, 'alert', { metricId: 'error_rate' });
    await decidePrompt(fx.db, alert.id, 'Acknowledged', 'ULEAD');
    const countdown = await addTimer(fx, deployment.id, {
      kind: 'auto_rollback',
      key: 'auto-rollback-1-error_rate',
      payload: { promptId: alert.id, metricId: 'error_rate' },
    });

    // The command answers no open prompt: the action is given none.
    const { later, result } = await runAction(fx, holdAutoRollback, deployment, {
      decision: 'hold_auto_rollback',
    });

    expect(result).toBe('Auto-rollback cancelled for this alert. Roll back by hand if needed.');
    expect(later.disarm.map((timer) => timer.id)).toEqual([countdown.id]);
    expect(await timerStatus(fx, countdown.id)).toBe('cancelled');
  });

  it('says there is nothing to hold when no auto-rollback counts down', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });
    await expect(
      runAction(fx, holdAutoRollback, deployment, { decision: 'hold_auto_rollback' }),
    ).rejects.toThrow('There is no open alert and no auto-rollback counting down.');
  });
});
