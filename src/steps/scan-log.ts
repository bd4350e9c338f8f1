// Runs a `kind: scan_log` step: the application log's error lines written since the deployment began.
import { resolve } from 'node:path';
import { scanLog } from '../infra/run/scan-log.js';
import { substituteText } from '../plan/variables.js';
import type { ScanLogRun } from './scan-log.schema.js';
import type { StepKind } from './step-kind.js';

export const scanLogStep: StepKind<ScanLogRun> = {
  kind: 'scan_log',
  execute: (run, ctx) =>
    scanLog({
      file: resolve(ctx.settings.workspaceDir, substituteText(run.file, ctx.vars)),
      since: ctx.deployment.createdAt,
      patterns: run.patterns,
    }),
  dryRunText: (run) => run.kind,
};
