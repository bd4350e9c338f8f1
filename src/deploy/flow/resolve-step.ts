import type { Plan, Step } from '../../plan/schema.js';

/** A step the runner can execute: a plan step, or one Stagecoach derives from the plan (traffic shifts, rollback). */
export interface ExecutableStep {
  id: string;
  name: string;
  phase: string;
  timeout: number;
  run: Step['run'] | { kind: 'restore_database' };
  /** The traffic percentage `{{percent}}` stands for in this step. */
  percent: number;
}

export const rollbackStepIds = { revert: 'revert', restore: 'restore_database' } as const;

export const shiftStepId = (stageId: string) => `shift_to_${stageId}`;

export function resolveStep(plan: Plan, stepId: string): ExecutableStep | undefined {
  const firstPercent = plan.stages[0]?.percent ?? 0;
  const planStep = plan.steps.find((step) => step.id === stepId);
  if (planStep) return { ...planStep, percent: firstPercent };
  const stage = plan.stages.find((candidate) => shiftStepId(candidate.id) === stepId);
  if (stage) {
    return {
      id: stepId,
      name: `Shift traffic to ${stage.percent}% (${stage.name})`,
      phase: 'rollout',
      timeout: plan.trafficShift.timeout,
      run: {
        kind: 'command',
        command: plan.trafficShift.command,
        ...(plan.trafficShift.cwd ? { cwd: plan.trafficShift.cwd } : {}),
      },
      percent: stage.percent,
    };
  }
  if (stepId === rollbackStepIds.revert) {
    return {
      id: stepId,
      name: 'Revert to the previous version',
      phase: 'rollback',
      timeout: plan.rollback.revert.timeout,
      run: {
        kind: 'command',
        command: plan.rollback.revert.command,
        ...(plan.rollback.revert.cwd ? { cwd: plan.rollback.revert.cwd } : {}),
      },
      percent: 0,
    };
  }
  if (stepId === rollbackStepIds.restore) {
    return {
      id: stepId,
      name: 'Restore the database from the pre-deployment backup',
      phase: 'rollback',
      timeout: plan.rollback.restoreDatabase.timeout,
      run: { kind: 'restore_database' },
      percent: 0,
    };
  }
  return undefined;
}

/** The stage a traffic-shift step moves to. */
export function stageOfShift(plan: Plan, stepId: string) {
  const index = plan.stages.findIndex((stage) => shiftStepId(stage.id) === stepId);
  return index < 0 ? undefined : { index, stage: plan.stages[index] as Plan['stages'][number] };
}
