/** What one step of a plan came to; the shape every runner in src/infra/run/ returns. */
export type StepStatus = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

export interface StepOutcome {
  status: StepStatus;
  exitCode?: number;
  /** The last lines of output, already redacted: safe to post in the deployment thread. */
  outputTail: string;
  /** Every line of output, redacted like the tail and bounded (output-log.ts): the [Full output] file. */
  fullOutput?: string;
  durationMs: number;
  /** One line for humans, e.g. 'exit code 1' or 'timed out after 30s; process tree killed'. */
  summary: string;
}

/** `started` is a `performance.now()` reading: wall-clock jumps must not skew durations. */
export function elapsedSince(started: number): number {
  return Math.round(performance.now() - started);
}

export function failedOutcome(summary: string, started: number, outputTail = ''): StepOutcome {
  return { status: 'failed', outputTail, durationMs: elapsedSince(started), summary };
}
