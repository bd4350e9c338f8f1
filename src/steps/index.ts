// Every kind of step Stagecoach can run, by `kind`: execute-step and run-step dispatch through it.
import { backupDatabaseStep } from './backup-database.js';
import { checkArtifactsStep } from './check-artifacts.js';
import { commandStep } from './command.js';
import { httpCheckStep } from './http-check.js';
import type { PlanStepRun } from './index.schema.js';
import { type RestoreDatabaseRun, restoreDatabaseStep } from './restore-database.js';
import { scanLogStep } from './scan-log.js';
import type { StepKind } from './step-kind.js';

/** A plan step's `run:`, or one Stagecoach derives from the plan (the rollback's restore). */
export type ExecutableRun = PlanStepRun | RestoreDatabaseRun;

type StepKinds = { [K in ExecutableRun['kind']]: StepKind<Extract<ExecutableRun, { kind: K }>> };

/** Keyed by kind, so a kind added to the plan schema without a way to run it does not compile. */
export const stepKinds: StepKinds = {
  command: commandStep,
  backup_database: backupDatabaseStep,
  check_artifacts: checkArtifactsStep,
  http_check: httpCheckStep,
  scan_log: scanLogStep,
  restore_database: restoreDatabaseStep,
};

/** The kind that runs `run`. */
export function findStepKind<R extends ExecutableRun>(run: R): StepKind<R> {
  // stepKinds[run.kind] is the member for exactly this kind; TypeScript cannot follow that through the union.
  return stepKinds[run.kind] as unknown as StepKind<R>;
}
