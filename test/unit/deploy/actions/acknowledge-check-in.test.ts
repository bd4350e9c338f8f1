import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../../../src/deploy/actions/acknowledge-check-in.js';
import { afterCommit } from '../../../../src/deploy/intents.js';
import {
  addPrompt,
  auditActions,
  runAction,
  seedDeployment,
  useDeployFixture,
  users,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('acknowledge a check-in (state unchanged)', () => {
  it('answering check-in 3 with "all good" only records it: the soak, its timers and steps are untouched', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const prompt = await addPrompt(fx, deployment.id, 'check_in', { n: 3 });

    const { later, after, result } = await runAction(
      fx,
      acknowledge,
      deployment,
      { decision: 'acknowledge', userId: users.dba },
      prompt,
    );

    expect(result).toBe('Check-in 3 answered: all good.');
    expect(after.state).toBe('soaking');
    expect(after.revision).toBe(deployment.revision);
    expect(later).toEqual(afterCommit());
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'check_in_ok',
      actor: users.dba,
      detail: { n: 3 },
    });
  });

  it('"all good" without an open check-in is refused', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const alert = await addPrompt(fx, deployment.id, 'alert', { metricId: 'cpu' });

    const error = await runAction(fx, acknowledge, deployment, { decision: 'acknowledge' }, alert).catch(
      (e) => e,
    );

    expect(error).toMatchObject({ code: 'conflict', message: 'There is no open check-in to answer.' });
  });
});
