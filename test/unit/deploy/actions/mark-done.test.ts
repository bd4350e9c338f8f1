import { describe, expect, it } from 'vitest';
import { markDone } from '../../../../src/deploy/actions/mark-done.js';
import {
  addRun,
  enqueuedRuns,
  finishRun,
  runAction,
  runOf,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('mark done (step_interrupted | step_failed → running)', () => {
  it('marking an interrupted migration done records it as done by hand and queues the smoke tests', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_interrupted', stepsSucceeded: 6 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'migrations')).id, 'interrupted', 'worker died');

    const { later, after, result } = await runAction(fx, markDone, deployment, { decision: 'mark_done' });

    expect(after.state).toBe('running');
    expect(result).toBe(
      'Marked Run database migrations done; deployment #1 (v4.0.0 → production) continues.',
    );
    expect(await runOf(fx, deployment.id, 'migrations')).toMatchObject({
      status: 'marked_done',
      attempt: 1,
      summary: 'worker died (marked done by hand)',
    });
    expect((await enqueuedRuns(fx, later)).map((run) => [run.stepId, run.attempt])).toEqual([
      ['smoke_tests', 1],
    ]);
    expect(later.followUps).toEqual([]);
    expect(later.arm).toEqual([]);
  });

  it('marking the interrupted frontend deployment done starts monitoring: 12 check-ins, 7 daily and 4 weekly reviews', async () => {
    const deployment = await seedDeployment(fx, { state: 'step_interrupted', stepsSucceeded: 5 });
    await finishRun(fx, (await runOf(fx, deployment.id, 'frontend')).id, 'interrupted');

    const { later, after } = await runAction(fx, markDone, deployment, { decision: 'mark_done' });

    // The frontend step put the canary's share of traffic on the new version.
    expect(after).toMatchObject({ state: 'running', currentPercent: 10 });
    const kinds = later.arm.map((timer) => timer?.kind);
    expect(kinds.filter((kind) => kind === 'check_in')).toHaveLength(12);
    expect(later.arm.filter((timer) => timer?.payload.kind === 'daily')).toHaveLength(7);
    expect(later.arm.filter((timer) => timer?.payload.kind === 'weekly')).toHaveLength(4);
    expect(later.arm).toHaveLength(23);
    expect(later.followUps).toEqual([{ kind: 'start_monitoring', deploymentId: deployment.id }]);
    expect((await enqueuedRuns(fx, later)).map((run) => run.stepId)).toEqual(['migrations']);
  });

  it('a failed revert cannot be marked done: the rollback has to be retried', async () => {
    const deployment = await seedDeployment(fx, { state: 'rollback_failed', stageIndex: 0 });
    await addRun(fx, deployment.id, { stepId: 'revert', phase: 'rollback', position: 1000 }, 'failed');

    const error = await runAction(fx, markDone, deployment, { decision: 'mark_done' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict', message: 'No halted step to mark done.' });
  });
});
