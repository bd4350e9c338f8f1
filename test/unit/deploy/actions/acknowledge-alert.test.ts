import { describe, expect, it } from 'vitest';
import { acknowledgeAlert } from '../../../../src/deploy/actions/acknowledge-alert.js';
import { afterCommit } from '../../../../src/deploy/intents.js';
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

describe('acknowledge an alert (state unchanged)', () => {
  it('acknowledging a CPU alert records who saw it and leaves its pending auto-rollback armed', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });
    const alert = await addPrompt(fx, deployment.id, 'alert', { metricId: 'cpu' });
    const autoRollback = await addTimer(fx, deployment.id, {
      kind: 'auto_rollback',
      key: 'auto-rollback-1-cpu',
      payload: { promptId: alert.id, metricId: 'cpu' },
    });

    const { later, after, result } = await runAction(
      fx,
      acknowledgeAlert,
      deployment,
      { decision: 'acknowledge_alert' },
      alert,
    );

    // Acknowledging is not holding: the countdown stands, and the answer says how to stop it.
    expect(result).toMatch(
      /^Alert acknowledged\. The monitors keep running; the alert says so when they recover\. Its auto-rollback still stands \(\d\d:\d\d [A-Z]+\): `\/deploy no-auto-rollback` holds it\.$/,
    );
    expect(after.state).toBe('soaking');
    expect(later).toEqual(afterCommit());
    expect(await timerStatus(fx, autoRollback.id)).toBe('pending');
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'alert_acknowledged',
      detail: { metricId: 'cpu' },
    });
  });

  it('acknowledging without an alert prompt is refused', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });

    const error = await runAction(fx, acknowledgeAlert, deployment, { decision: 'acknowledge_alert' }).catch(
      (e) => e,
    );

    expect(error).toMatchObject({ code: 'conflict', message: 'There is no open alert to acknowledge.' });
  });
});
