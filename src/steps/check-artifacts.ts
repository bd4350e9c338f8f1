// Runs a `kind: check_artifacts` step: a build that exits 0 must still have written files.
import { resolve } from 'node:path';
import { checkArtifacts } from '../infra/run/check-artifacts.js';
import { substituteText } from '../plan/variables.js';
import type { CheckArtifactsRun } from './check-artifacts.schema.js';
import type { StepKind } from './step-kind.js';

export const checkArtifactsStep: StepKind<CheckArtifactsRun> = {
  kind: 'check_artifacts',
  execute: (run, ctx) =>
    checkArtifacts(resolve(ctx.settings.workspaceDir, substituteText(run.path, ctx.vars))),
  dryRunText: (run) => run.kind,
};
