// Runs a `kind: http_check` step: one GET against the application, judged on status and body.
import { httpCheck } from '../infra/run/http-check.js';
import { substituteText } from '../plan/variables.js';
import type { HttpCheckRun } from './http-check.schema.js';
import { refuseUnsetSetting } from './refuse-unset-setting.js';
import type { StepKind } from './step-kind.js';

export const httpCheckStep: StepKind<HttpCheckRun> = {
  kind: 'http_check',
  async execute(run, ctx) {
    // Checked first: substituting would only say {{healthcheckUrl}} has no value, not what to set.
    if (run.url.includes('{{healthcheckUrl}}') && !ctx.settings.healthcheckUrl)
      return refuseUnsetSetting(ctx, 'HEALTHCHECK_URL', 'set it to the application health check URL');
    return httpCheck({
      url: substituteText(run.url, ctx.vars),
      expectStatus: run.expectStatus,
      expectBodyContains: run.expectBodyContains,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
  },
  dryRunText: (run) => run.kind,
};
