import { monitorEventLoopDelay } from 'node:perf_hooks';
import { round } from './stats.js';

/** Event-loop delay of this process while `work` runs: a busy loop delays every HTTP answer behind it. */
export async function withLoopDelay<T>(
  work: () => Promise<T>,
): Promise<{ result: T; loopDelayMs: { p50: number; p99: number; max: number } }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  try {
    const result = await work();
    return {
      result,
      loopDelayMs: {
        p50: round(histogram.percentile(50) / 1e6),
        p99: round(histogram.percentile(99) / 1e6),
        max: round(histogram.max / 1e6),
      },
    };
  } finally {
    histogram.disable();
  }
}
