// Issue #15: under `traffic: none` no command moves traffic. Stages are observation windows: no
// percentage is stored or said, and the check-ins and reviews still start when the first stage begins.
import { describe, expect, it } from 'vitest';
import { promote } from '../../../../src/deploy/actions/promote.js';
import { advance } from '../../../../src/deploy/flow/advance.js';
import { resolveStep } from '../../../../src/deploy/flow/resolve-step.js';
import {
  enqueuedRuns,
  hour,
  now,
  publishedPrompts,
  runAction,
  runFlow,
  runOf,
  seedDeployment,
  threadNotes,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';
import { withoutTrafficControl } from '../../../support/traffic-plans.js';

const fx = useDeployFixture({ plan: withoutTrafficControl });

async function storedTexts(deploymentId: number): Promise<string> {
  // Thread lines and prompts (a soaking stage's message is one: it offers [Promote early…]).
  const rows = await fx.db.query<{ message: unknown }>(
    `SELECT message FROM notifications WHERE deployment_id = $1
     UNION ALL SELECT payload->'message' FROM prompts WHERE deployment_id = $1`,
    [deploymentId],
  );
  return JSON.stringify(rows.rows.map((row) => row.message));
}

describe('a plan with traffic: none', () => {
  it('derives no traffic shift for any stage', () => {
    for (const stage of fx.plan.stages) expect(resolveStep(fx.plan, `shift_to_${stage.id}`)).toBeUndefined();
  });

  it('the frontend step moves no traffic: it stores no percentage and starts nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 6 });
    const finished = await runOf(fx, deployment.id, 'frontend');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after).toMatchObject({ state: 'running', currentPercent: 0, stageIndex: null });
    expect((await enqueuedRuns(fx, later)).map((run) => run.stepId)).toEqual(['migrations']);
    expect(later.arm).toEqual([]);
  });

  it('the last step begins stage 1 without a percentage, and the check-ins and reviews start', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 10 });
    const finished = await runOf(fx, deployment.id, 'log_scan');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after).toMatchObject({ state: 'soaking', stageIndex: 0, currentPercent: 0 });
    const kinds = later.arm.map((timer) => timer?.kind);
    expect(kinds.filter((kind) => kind === 'check_in')).toHaveLength(12);
    expect(kinds.filter((kind) => kind === 'review')).toHaveLength(7 + 4);
    expect(later.arm.find((timer) => timer?.kind === 'check_in')?.fireAt).toEqual(
      new Date(now.getTime() + 0.5 * hour),
    );
    expect(kinds).toContain('soak_end');
    expect(later.followUps.map((f) => f.kind)).toContain('start_monitoring');
    expect(publishedPrompts(later)[0]?.message.text).toContain(
      '*Stage 1: Canary* is live (no traffic control)',
    );
    const told = `${threadNotes(later).join('\n')}\n${await storedTexts(deployment.id)}`;
    expect(told).not.toMatch(/\d+\s?%/);
    expect(told).toContain('Stage 1: Canary is live (no traffic control)');
  });

  it('a dry run beginning stage 1 soaks only: no check-ins, reviews or monitor polls (nothing ran)', async () => {
    const deployment = await seedDeployment(fx, { state: 'running', stepsSucceeded: 10, dryRun: true });
    const finished = await runOf(fx, deployment.id, 'log_scan');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advance(client, fx.deps, deployment, finished, later),
    );

    expect(after).toMatchObject({ state: 'soaking', stageIndex: 0 });
    expect(later.arm.map((timer) => timer?.kind)).toEqual(['soak_end']);
    expect(later.followUps.map((f) => f.kind)).not.toContain('start_monitoring');
    const timers = await fx.db.query<{ kind: string }>('SELECT kind FROM timers WHERE deployment_id = $1', [
      deployment.id,
    ]);
    expect(timers.rows.map((row) => row.kind)).toEqual(['soak_end']);
  });

  it('a promotion begins the next stage at once: no shift step runs, no percentage is stored or said', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'awaiting_promotion',
      stageIndex: 0,
      currentPercent: 0,
    });

    const { later, result, after } = await runAction(fx, promote, deployment, { decision: 'promote' });

    expect(after).toMatchObject({ state: 'soaking', stageIndex: 1, currentPercent: 0 });
    expect(later.enqueue).toEqual([]);
    expect(result).toBe('Promoting deployment #1 (v4.0.0 → production) to Stage 2: Expanded.');
    const audit = await fx.db.query<{ detail: Record<string, unknown> }>(
      `SELECT detail FROM audit_log WHERE deployment_id = $1 AND action = 'promote'`,
      [deployment.id],
    );
    expect(audit.rows[0]?.detail).not.toHaveProperty('toPercent');
    const told = `${threadNotes(later).join('\n')}\n${await storedTexts(deployment.id)}`;
    expect(told).toContain('Stage 2: Expanded');
    expect(told).not.toMatch(/\d+\s?%/);
  });

  it('promoting to the last stage opens the success window, though no stage names a percent', async () => {
    expect(fx.plan.stages.map((stage) => stage.percent)).toEqual([undefined, undefined, undefined]);
    const deployment = await seedDeployment(fx, {
      state: 'awaiting_promotion',
      stageIndex: 1,
      currentPercent: 0,
    });

    const { later, after } = await runAction(fx, promote, deployment, { decision: 'promote' });

    expect(after).toMatchObject({ state: 'success_window', stageIndex: 2, currentPercent: 0 });
    expect(later.arm.map((timer) => timer?.kind)).toContain('success_check');
    const told = `${threadNotes(later).join('\n')}\n${await storedTexts(deployment.id)}`;
    expect(told).not.toMatch(/\d+\s?%/);
  });
});
