// Which step a stored id runs: a plan step, a traffic shift or a rollback step.
import { describe, expect, it } from 'vitest';
import { resolveStep, stageOfShift } from '../../../../src/deploy/flow/resolve-step.js';
import { loadPlan } from '../../../../src/plan/load-plan.js';

const plan = loadPlan('templates/plans/medplum-v4.yaml');

describe('resolveStep', () => {
  it("runs a plan step as written, at the first stage's percentage", () => {
    expect(resolveStep(plan, 'build')).toMatchObject({ id: 'build', phase: 'pre_deployment', percent: 10 });
  });

  it("shifts traffic with the plan's trafficShift command, at the stage's percentage", () => {
    expect(resolveStep(plan, 'shift_to_expanded')).toEqual({
      id: 'shift_to_expanded',
      name: 'Shift traffic to 50% (Stage 2: Expanded)',
      phase: 'rollout',
      timeout: 20 * 60_000,
      run: {
        kind: 'command',
        command: ['./deploy-frontend.sh', '--env={{environment}}', '--percent={{percent}}'],
      },
      percent: 50,
    });
    expect(resolveStep(plan, 'shift_to_nowhere')).toBeUndefined();
  });

  it('reverts and restores the database on a rollback', () => {
    expect(resolveStep(plan, 'revert')).toMatchObject({ phase: 'rollback', run: { kind: 'command' } });
    expect(resolveStep(plan, 'restore_database')).toMatchObject({
      name: 'Restore the database from the pre-deployment backup',
      run: { kind: 'restore_database' },
    });
  });

  it('lets a plan step named like a rollback step run as the plan wrote it', () => {
    const build = plan.steps.find((step) => step.id === 'build');
    const renamed = { ...plan, steps: [{ ...(build as NonNullable<typeof build>), id: 'revert' }] };
    expect(resolveStep(renamed, 'revert')).toMatchObject({ phase: 'pre_deployment', name: build?.name });
  });

  it('knows nothing of an id neither the plan nor Stagecoach has', () => {
    expect(resolveStep(plan, 'deploy_everything')).toBeUndefined();
  });
});

describe('stageOfShift', () => {
  it('finds the stage a traffic shift moves to', () => {
    expect(stageOfShift(plan, 'shift_to_expanded')).toMatchObject({ index: 1, stage: { percent: 50 } });
    expect(stageOfShift(plan, 'build')).toBeUndefined();
  });
});
