import { describe, expect, it } from 'vitest';
import { enqueueStep } from '../../../../src/deploy/flow/enqueue-step.js';
import { runFlow, runOf, seedDeployment, useDeployFixture } from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

// The guarantee every other test here leans on: work outside Postgres inside the transaction fails loudly.
describe('enqueueStep inside a transaction', () => {
  it('queuing a step is Redis work: inside the transaction it is refused and the transaction rolls back', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 0 });
    const run = await runOf(fx, deployment.id, 'verification_tests');

    const error = await runFlow(fx, deployment.id, async (client) => {
      await client.query(`UPDATE deployments SET state = 'held' WHERE id = $1`, [deployment.id]);
      await enqueueStep(fx.deps, run);
    }).catch((e) => e);

    expect(String(error)).toContain('queues.steps.getJob() was called inside the transaction');
    expect(fx.outsideCalls).toEqual(['queues.steps.getJob']);
    const state = await fx.db.query('SELECT state FROM deployments WHERE id = $1', [deployment.id]);
    expect(state.rows[0]?.state).toBe('running');
  });
});
