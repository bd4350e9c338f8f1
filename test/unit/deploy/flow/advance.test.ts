import { describe, expect, it } from 'vitest';
import { advance } from '../../../../src/deploy/flow/advance.js';
import {
  addRun,
  enqueuedRuns,
  finishRun,
  followUpKinds,
  hour,
  notifiedKeys,
  now,
  publishedPrompts,
  runFlow,
  runOf,
  seedDeployment,
  threadNotes,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('advance', () => {
  it('a finished verification test queues the backup, and only the backup', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 1 });
    const finished = await runOf(fx, deployment.id, 'verification_tests');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after.state).toBe('running');
    expect((await enqueuedRuns(fx, later)).map((run) => run.stepId)).toEqual(['database_backup']);
    expect(later.followUps).toEqual([]);
    expect(later.arm).toEqual([]);
  });

  it('a failed build halts the deployment with a step-failed prompt and queues nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 2 });
    const finished = await finishRun(fx, (await runOf(fx, deployment.id, 'build')).id, 'failed', 'exit 1');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after.state).toBe('step_failed');
    expect(later.enqueue).toEqual([]);
    expect(publishedPrompts(later).map((p) => p.prompt.kind)).toEqual(['step_failed']);
  });

  it('the last plan step puts the canary live: soaking at 10% with a 24-hour soak timer and a stage-live message offering [Promote early…]', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 10, currentPercent: 10 });
    const finished = await runOf(fx, deployment.id, 'log_scan');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after).toMatchObject({ state: 'soaking', stageIndex: 0, currentPercent: 10 });
    expect(later.arm.map((timer) => [timer?.kind, timer?.key, timer?.fireAt])).toEqual([
      ['soak_end', 'soak-1-0-0', new Date(now.getTime() + 24 * hour)],
    ]);
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [soaking] = publishedPrompts(later);
    expect(soaking?.prompt).toMatchObject({ kind: 'soaking', payload: { waitsOn: [] } });
    expect(soaking?.message.text).toContain('*Stage 1: Canary* is live at *10%*');
    expect(JSON.stringify(soaking?.message.blocks)).toContain('"action_id":"stage_skip_soak"');
    expect(notifiedKeys(later)).toEqual(['milestone-1-stage-0:management', 'status-1-stage-0:status_page']);
    expect(later.enqueue).toEqual([]);
  });

  it('the shift to 100% opens the 72-hour success window instead of a soak', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stageIndex: 1 });
    const shift = await addRun(
      fx,
      deployment.id,
      { stepId: 'shift_to_full', phase: 'rollout', position: fx.plan.steps.length + 3 },
      'succeeded',
    );

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, shift, later),
    );

    expect(after).toMatchObject({ state: 'success_window', stageIndex: 2, currentPercent: 100 });
    expect(later.arm.map((timer) => [timer?.kind, timer?.fireAt])).toEqual([
      ['success_check', new Date(now.getTime() + 72 * hour)],
    ]);
    expect(threadNotes(later)[0]).toContain('The success window of 72h has started');
  });

  it('a dry run whose listed traffic step "moved" stage 1 schedules no check-in, review or monitor poll', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 6, dryRun: true });
    const finished = await runOf(fx, deployment.id, 'frontend');

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect((await enqueuedRuns(fx, later)).map((run) => run.stepId)).toEqual(['migrations']);
    expect(later.arm).toEqual([]);
    expect(followUpKinds(later)).not.toContain('start_monitoring');
  });
});
