import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runStepRun } from '../../../../src/deploy/flow/run-step.js';
import { processOwner } from '../../../../src/deploy/flow/step-owner.js';
import { claimStepRun, finishStepRun, getStepRun } from '../../../../src/infra/db/step-runs.js';
import { addRun, runOf, seedDeployment, useDeployFixture } from '../../../support/deploy-fixture.js';

const fixture = useDeployFixture();
const states = { rollout: ['running'], rollback: ['rolling_back', 'restoring'] };

describe('claiming a step', () => {
  it('a step whose job arrives while a hold is being decided stays pending and never runs', async () => {
    const deployment = await seedDeployment(fixture, { state: 'running', stepsSucceeded: 0 });
    const first = fixture.plan.steps[0]?.id as string;
    const run = await runOf(fixture, deployment.id, first);

    // The hold's transaction holds the deployment row while the step's job comes in.
    const hold = await fixture.db.connect();
    await hold.query('BEGIN');
    await hold.query('SELECT id FROM deployments WHERE id = $1 FOR UPDATE', [deployment.id]);
    const job = runStepRun(fixture.deps, run.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hold.query(`UPDATE deployments SET state = 'held', held_from = 'running' WHERE id = $1`, [
      deployment.id,
    ]);
    await hold.query('COMMIT');
    hold.release();

    expect(await job).toBe('deferred');
    expect((await getStepRun(fixture.db, run.id))?.status).toBe('pending');
    // Nothing was posted or queued: the step did not start.
    expect(fixture.outsideCalls).toEqual([]);
  });

  it('a job for a deployment that is not running leaves the step pending instead of cancelling it', async () => {
    const deployment = await seedDeployment(fixture, { state: 'step_failed', stepsSucceeded: 1 });
    const second = fixture.plan.steps[1]?.id as string;
    const run = await runOf(fixture, deployment.id, second);

    expect(await runStepRun(fixture.deps, run.id)).toBe('deferred');
    expect((await getStepRun(fixture.db, run.id))?.status).toBe('pending');
  });

  it('records who claimed the step, with a heartbeat, and a second claim gets nothing', async () => {
    const deployment = await seedDeployment(fixture, { state: 'running', stepsSucceeded: 0 });
    const run = await runOf(fixture, deployment.id, fixture.plan.steps[0]?.id as string);
    const token = randomUUID();
    const claimed = await claimStepRun(fixture.db, run.id, states, processOwner, token);
    expect(claimed).toMatchObject({ status: 'running', claimToken: token, owner: { pid: process.pid } });
    expect(claimed !== 'held' && claimed?.heartbeatAt).toBeInstanceOf(Date);
    const again = await claimStepRun(fixture.db, run.id, states, processOwner, randomUUID());
    expect(again).toBeUndefined();
  });

  it('a rollback step is claimed while the deployment rolls back; a rollout step then stays pending', async () => {
    const deployment = await seedDeployment(fixture, { state: 'rolling_back', stepsSucceeded: 1 });
    const revert = await addRun(
      fixture,
      deployment.id,
      { stepId: 'rollback_frontend', phase: 'rollback', position: 100 },
      'pending',
    );
    const rollout = await runOf(fixture, deployment.id, fixture.plan.steps[1]?.id as string);

    expect(await claimStepRun(fixture.db, rollout.id, states, processOwner, randomUUID())).toBe('held');
    expect(await claimStepRun(fixture.db, revert.id, states, processOwner, randomUUID())).toMatchObject({
      status: 'running',
      phase: 'rollback',
    });
  });

  it('a late outcome carrying an older claim token records nothing over the live claim', async () => {
    const deployment = await seedDeployment(fixture, { state: 'running', stepsSucceeded: 0 });
    const run = await runOf(fixture, deployment.id, fixture.plan.steps[0]?.id as string);
    const token = randomUUID();
    await claimStepRun(fixture.db, run.id, states, processOwner, token);

    const stale = await finishStepRun(
      fixture.db,
      run.id,
      { status: 'succeeded', summary: 'from an attempt long gone', outputTail: '' },
      'running',
      randomUUID(),
    );
    expect(stale).toBeUndefined();
    expect((await getStepRun(fixture.db, run.id))?.status).toBe('running');

    const live = await finishStepRun(
      fixture.db,
      run.id,
      { status: 'succeeded', summary: 'ok', outputTail: '' },
      'running',
      token,
    );
    expect(live?.summary).toBe('ok');
  });
});
