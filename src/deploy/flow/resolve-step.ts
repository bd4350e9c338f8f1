import type { Plan } from '../../plan/schema.js';
import type { ExecutableRun } from '../../steps/index.js';
import { identityOf, type RollbackStep, stepIdOf } from '../model/step-identity.js';

/** A step the runner can execute: a plan step, or one Stagecoach derives from the plan (traffic shifts, rollback). */
export interface ExecutableStep {
  id: string;
  name: string;
  phase: string;
  timeout: number;
  run: ExecutableRun;
  /** The traffic percentage `{{percent}}` stands for in this step; none under `traffic: none`. */
  percent?: number | undefined;
}

export const rollbackStepIds = {
  revert: stepIdOf({ kind: 'rollback', which: 'revert' }),
  restore: stepIdOf({ kind: 'rollback', which: 'restore_database' }),
};

export const shiftStepId = (stageId: string) => stepIdOf({ kind: 'shift', stageId });

export function resolveStep(plan: Plan, stepId: string): ExecutableStep | undefined {
  // The plan's own steps come first: one named like a derived step (e.g. 'revert') runs as written.
  const planStep = plan.steps.find((step) => step.id === stepId);
  if (planStep) return { ...planStep, percent: plan.stages[0]?.percent };
  const identity = identityOf(stepId);
  switch (identity.kind) {
    case 'plan':
      return undefined;
    case 'shift':
      return resolveShift(plan, identity.stageId);
    case 'rollback':
      return resolveRollback(plan, identity.which);
  }
}

/** The stage a traffic-shift step moves to. */
export function stageOfShift(plan: Plan, stepId: string) {
  const identity = identityOf(stepId);
  if (identity.kind !== 'shift') return undefined;
  const index = plan.stages.findIndex((stage) => stage.id === identity.stageId);
  return index < 0 ? undefined : { index, stage: plan.stages[index] as Plan['stages'][number] };
}

/** The name of the run that shifts traffic to a stage. */
export const shiftStepName = (stage: Plan['stages'][number]) =>
  `Shift traffic to ${stage.percent}% (${stage.name})`;

/**
 * The derived run that moves traffic to a stage with the plan's traffic command; none when the plan
 * has no traffic control, or when stage 1's traffic is moved by a plan step of its own.
 */
function resolveShift(plan: Plan, stageId: string): ExecutableStep | undefined {
  const { traffic } = plan;
  if (traffic.mode !== 'command') return undefined;
  const index = plan.stages.findIndex((candidate) => candidate.id === stageId);
  const stage = plan.stages[index];
  if (!stage || (index === 0 && traffic.firstStageStep !== undefined)) return undefined;
  const { command, timeout, cwd } = traffic.command;
  return {
    id: stepIdOf({ kind: 'shift', stageId }),
    name: shiftStepName(stage),
    phase: 'rollout',
    timeout,
    run: { kind: 'command', command, ...(cwd ? { cwd } : {}) },
    percent: stage.percent,
  };
}

function resolveRollback(plan: Plan, which: RollbackStep): ExecutableStep {
  const id = stepIdOf({ kind: 'rollback', which });
  if (which === 'restore_database') {
    return {
      id,
      name: 'Restore the database from the pre-deployment backup',
      phase: 'rollback',
      timeout: plan.rollback.restoreDatabase.timeout,
      run: { kind: 'restore_database' },
      percent: 0,
    };
  }
  return {
    id,
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
