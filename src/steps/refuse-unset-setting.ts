// A step that needs a setting the bot was started without fails at once, naming the setting.
import type { ExecutedStep, StepContext } from './step-kind.js';

export function refuseUnsetSetting(
  ctx: Pick<StepContext, 'startedAt'>,
  what: string,
  fix: string,
): ExecutedStep {
  return {
    status: 'failed',
    outputTail: '',
    durationMs: Date.now() - ctx.startedAt,
    summary: `${what} is not set: ${fix}`,
  };
}
