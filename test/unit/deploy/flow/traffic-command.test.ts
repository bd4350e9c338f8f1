// Issue #15: with a plan-level `traffic: { command }` the command moves every stage, stage 1
// included (a derived shift after the plan's steps), and only its success stores a percentage.
import { describe, expect, it } from 'vitest';
import { advance } from '../../../../src/deploy/flow/advance.js';
import { shiftsTraffic } from '../../../../src/deploy/flow/execute-step.js';
import { resolveStep } from '../../../../src/deploy/flow/resolve-step.js';
import {
  enqueuedRuns,
  finishRun,
  publishedPrompts,
  runFlow,
  runOf,
  seedDeployment,
  threadNotes,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';
import { withTrafficCommand } from '../../../support/traffic-plans.js';

const fx = useDeployFixture({ plan: withTrafficCommand });
const shiftCommand = ['./deploy-frontend.sh', '--env={{environment}}', '--percent={{percent}}'];

describe('a plan with traffic: { command }', () => {
  it('runs the traffic command for stage 1 too, and only its runs move traffic', () => {
    const canary = resolveStep(fx.plan, 'shift_to_canary');
    expect(canary).toEqual({
      id: 'shift_to_canary',
      name: 'Shift traffic to 10% (Stage 1: Canary)',
      phase: 'rollout',
      timeout: 20 * 60_000,
      run: { kind: 'command', command: shiftCommand },
      percent: 10,
    });
    expect(shiftsTraffic(fx.plan, canary as NonNullable<typeof canary>)).toBe(true);
    const frontend = resolveStep(fx.plan, 'frontend');
    expect(shiftsTraffic(fx.plan, frontend as NonNullable<typeof frontend>)).toBe(false);
  });

  it('after the last step, queues the shift to stage 1 instead of claiming it is live', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 10 });
    const finished = await runOf(fx, deployment.id, 'log_scan');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after).toMatchObject({ state: 'running', currentPercent: 0, stageIndex: null });
    const [shift] = await enqueuedRuns(fx, later);
    expect(shift).toMatchObject({
      stepId: 'shift_to_canary',
      stepName: 'Shift traffic to 10% (Stage 1: Canary)',
      phase: 'rollout',
      position: fx.plan.steps.length + 1,
      attempt: 1,
    });
    expect(threadNotes(later)).toEqual([]);
    expect(later.arm).toEqual([]);
  });

  it('the shift to stage 1 succeeding stores 10%, starts the check-ins and soaks the canary', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 10 });
    const first = await runFlow(fx, deployment.id, async (client, later) =>
      advance(client, fx.deps, deployment, await runOf(fx, deployment.id, 'log_scan'), later),
    );
    const [run] = await enqueuedRuns(fx, first.later);
    const finished = await finishRun(fx, (run as NonNullable<typeof run>).id, 'succeeded');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, first.after, finished, later),
    );

    expect(after).toMatchObject({ state: 'soaking', stageIndex: 0, currentPercent: 10 });
    expect(later.arm.filter((timer) => timer?.kind === 'check_in')).toHaveLength(12);
    expect(later.arm.map((timer) => timer?.kind)).toContain('soak_end');
    expect(publishedPrompts(later)[0]?.message.text).toContain('*Stage 1: Canary* is live at *10%*');
  });

  it('a failed shift to stage 1 stores no percentage', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 10 });
    const first = await runFlow(fx, deployment.id, async (client, later) =>
      advance(client, fx.deps, deployment, await runOf(fx, deployment.id, 'log_scan'), later),
    );
    const [run] = await enqueuedRuns(fx, first.later);
    const failed = await finishRun(fx, (run as NonNullable<typeof run>).id, 'failed', 'exit 1');

    const { after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, first.after, failed, later),
    );

    expect(after).toMatchObject({ state: 'step_failed', currentPercent: 0, stageIndex: null });
  });
});
