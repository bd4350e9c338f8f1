import { describe, expect, it } from 'vitest';
import { retry } from '../../../../src/deploy/actions/retry.js';
import {
  addRun,
  auditActions,
  enqueuedRuns,
  finishRun,
  runAction,
  runOf,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('retry (step_failed | step_interrupted | rollback_failed → running | rolling_back | restoring)', () => {
  it('retrying a failed build queues attempt 2 of the build, at the same place in the plan', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_failed', stepsSucceeded: 2 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'build')).id, 'failed');

    const { later, after, result } = await runAction(fx, retry, deployment, { decision: 'retry' });

    expect(after.state).toBe('running');
    expect(result).toBe(
      'Retrying Build production artifacts (attempt 2) for deployment #1 (v4.0.0 → production).',
    );
    const runs = await enqueuedRuns(fx, later);
    expect(runs.map((run) => [run.stepId, run.attempt, run.position, run.phase, run.status])).toEqual([
      ['build', 2, 3, 'pre_deployment', 'pending'],
    ]);
    expect(later.followUps).toEqual([]);
    expect(later.arm).toEqual([]);
    expect(later.disarm).toEqual([]);
    expect(later.notify).toEqual([]);
    expect((await auditActions(fx, deployment.id)).at(-1)).toMatchObject({
      action: 'retry',
      detail: { step: 'build', attempt: 2 },
    });
  });

  it('retrying an interrupted migration queues its next attempt', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_interrupted', stepsSucceeded: 6 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'migrations')).id, 'interrupted');

    const { later, after } = await runAction(fx, retry, deployment, { decision: 'retry' });

    expect(after.state).toBe('running');
    expect((await enqueuedRuns(fx, later)).map((run) => [run.stepId, run.attempt])).toEqual([
      ['migrations', 2],
    ]);
  });

  it('retrying a failed revert goes back to rolling back with revert attempt 2', async () => {
    const deployment = await seedDeployment(fx, { state: 'rollback_failed', stageIndex: 0 });
    await addRun(fx, deployment.id, { stepId: 'revert', phase: 'rollback', position: 1000 }, 'failed');

    const { later, after } = await runAction(fx, retry, deployment, { decision: 'retry' });

    expect(after.state).toBe('rolling_back');
    const runs = await enqueuedRuns(fx, later);
    expect(runs.map((run) => [run.stepId, run.attempt, run.position, run.phase])).toEqual([
      ['revert', 2, 1000, 'rollback'],
    ]);
  });

  it('retrying a failed database restore goes back to restoring with restore attempt 2', async () => {
    const deployment = await seedDeployment(fx, { state: 'rollback_failed', stageIndex: 0 });
    await addRun(fx, deployment.id, { stepId: 'revert', phase: 'rollback', position: 1000 }, 'succeeded');
    await addRun(
      fx,
      deployment.id,
      { stepId: 'restore_database', phase: 'rollback', position: 1001 },
      'failed',
    );

    const { later, after } = await runAction(fx, retry, deployment, { decision: 'retry' });

    expect(after.state).toBe('restoring');
    expect((await enqueuedRuns(fx, later)).map((run) => [run.stepId, run.attempt, run.position])).toEqual([
      ['restore_database', 2, 1001],
    ]);
  });

  it('with no halted step there is nothing to retry', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_failed', stepsSucceeded: 2 });

    const error = await runAction(fx, retry, deployment, { decision: 'retry' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict', message: 'No halted step to retry.' });
  });
});
