import { describe, expect, it } from 'vitest';
import { proceed } from '../../../../src/deploy/actions/proceed.js';
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

describe('proceed at go/no-go (state unchanged)', () => {
  it('"Go" cancels the go/no-go deadline and nothing else: the running step carries on', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 4 });
    const prompt = await addPrompt(fx, deployment.id, 'go_no_go');
    const deadline = await addTimer(fx, deployment.id, { kind: 'go_no_go', key: 'go-no-go-1' });
    const report = await addTimer(fx, deployment.id, { kind: 'report', key: 'report-1' });

    const { later, after, result } = await runAction(
      fx,
      proceed,
      deployment,
      { decision: 'proceed' },
      prompt,
    );

    expect(result).toBe('Go decision recorded for deployment #1 (v4.0.0 → production).');
    expect(after.state).toBe('running');
    expect(after.revision).toBe(deployment.revision);
    expect(later.disarm.map((timer) => timer.id)).toEqual([deadline.id]);
    expect(await timerStatus(fx, report.id)).toBe('pending');
    expect(later.enqueue).toEqual([]);
    expect(later.arm).toEqual([]);
    expect(later.followUps).toEqual([]);
    expect(later.notify).toEqual([]);
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({ action: 'go_no_go_proceed' });
  });

  it('"Go" without an open go/no-go prompt is refused and the deadline stays armed', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 4 });
    const deadline = await addTimer(fx, deployment.id, { kind: 'go_no_go', key: 'go-no-go-1' });

    const error = await runAction(fx, proceed, deployment, { decision: 'proceed' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict', message: 'There is no open go/no-go decision.' });
    expect(await timerStatus(fx, deadline.id)).toBe('pending');
  });
});
