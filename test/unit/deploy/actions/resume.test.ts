import { describe, expect, it } from 'vitest';
import { resume } from '../../../../src/deploy/actions/resume.js';
import {
  addTimer,
  enqueuedRuns,
  finishRun,
  followUpKinds,
  publishedPrompts,
  runAction,
  runOf,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('resume (held → the state it was held from)', () => {
  it('resuming a deployment held between steps queues the step that was waiting, and only that', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'running', stepsSucceeded: 3 });

    const { later, after, result } = await runAction(fx, resume, deployment, { decision: 'resume' });

    expect(after).toMatchObject({ state: 'running', heldFrom: null });
    expect(result).toBe('Resumed deployment #1 (v4.0.0 → production).');
    const runs = await enqueuedRuns(fx, later);
    expect(runs.map((run) => [run.stepId, run.attempt, run.status])).toEqual([
      ['artifact_check', 1, 'pending'],
    ]);
    expect(later.followUps).toEqual([]);
    expect(later.arm).toEqual([]);
  });

  it('a step that failed while the deployment was held halts it on resume instead of running the next one', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'running', stepsSucceeded: 2 });
    await finishRun(
      fx,
      (await runOf(fx, deployment.id, 'build')).id,
      'failed',
      'npm run build exited with 1',
    );

    const { later, after } = await runAction(fx, resume, deployment, { decision: 'resume' });

    expect(after.state).toBe('step_failed');
    expect(later.enqueue).toEqual([]);
    expect(publishedPrompts(later).map((p) => p.prompt.kind)).toEqual(['step_failed']);
  });

  it('resuming after the last plan step finished on hold puts the canary live at 10% and starts its 24-hour soak', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'running', stepsSucceeded: 10 });

    const { later, after } = await runAction(fx, resume, deployment, { decision: 'resume' });

    expect(after).toMatchObject({ state: 'soaking', stageIndex: 0, currentPercent: 10 });
    expect(later.enqueue).toEqual([]);
    expect(later.arm.map((timer) => [timer?.kind, timer?.key])).toEqual([['soak_end', 'soak-1-0-0']]);
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [soaking] = publishedPrompts(later);
    expect(soaking?.prompt.kind).toBe('soaking');
    expect(soaking?.message.text).toContain('*Stage 1: Canary* is live at *10%*. Soaking 24h');
    // Management hears the canary is live; so does the status page.
    expect(later.notify.map((n) => n?.dedupeKey)).toEqual([
      'milestone-1-stage-0:management',
      'status-1-stage-0:status_page',
    ]);
  });

  it('resuming a soak whose timer fired while held asks for the promotion it missed', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'soaking', stageIndex: 0 });
    await addTimer(
      fx,
      deployment.id,
      { kind: 'soak_end', key: 'soak-1-0-0', payload: { stageIndex: 0 } },
      'fired',
    );

    const { later, after } = await runAction(fx, resume, deployment, { decision: 'resume' });

    expect(after.state).toBe('awaiting_promotion');
    const [promotion, ...others] = publishedPrompts(later);
    expect(others).toEqual([]);
    expect(promotion?.prompt.kind).toBe('promotion');
    expect(promotion?.message.text).toContain('Promote to *50%*');
    expect(later.enqueue).toEqual([]);
  });

  it('resuming a soak whose timer is still pending goes back to soaking and offers [Promote early…] again', async () => {
    const deployment = await seedDeployment(fx, { state: 'held', heldFrom: 'soaking', stageIndex: 0 });
    await addTimer(fx, deployment.id, { kind: 'soak_end', key: 'soak-1-0-0', payload: { stageIndex: 0 } });

    const { later, after } = await runAction(fx, resume, deployment, { decision: 'resume' });

    expect(after.state).toBe('soaking');
    expect(later).toMatchObject({ enqueue: [], arm: [], disarm: [], notify: [] });
    const [soaking, ...others] = publishedPrompts(later);
    expect(others).toEqual([]);
    expect(soaking?.message.text).toMatch(
      /^:hourglass_flowing_sand: Resumed: \*Stage 1: Canary\* soaks on until <!date/,
    );
    expect(JSON.stringify(soaking?.message.blocks)).toContain('Promote early to 50%…');
  });

  it('a deployment that is not held cannot be resumed', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });

    const error = await runAction(fx, resume, deployment, { decision: 'resume' }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
  });
});
