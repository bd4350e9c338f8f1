export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / (sorted.length || 1);
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * `total` calls of `send`, `senders` at a time, each sender waiting for its answer before the next;
 * returns each call's latency in ms. A call that throws counts as an error, not a sample.
 */
export async function runLoad(input: {
  total: number;
  senders: number;
  send: (index: number) => Promise<{ status: number }>;
  timeoutMs?: number;
}): Promise<{ latencies: number[]; statuses: Record<string, number>; errors: number }> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const deadline = Date.now() + (input.timeoutMs ?? 300_000);
  const sender = async () => {
    while (next < input.total && Date.now() < deadline) {
      const index = next++;
      const started = performance.now();
      try {
        const { status } = await input.send(index);
        latencies.push(performance.now() - started);
        statuses[status] = (statuses[status] ?? 0) + 1;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: input.senders }, sender));
  return { latencies, statuses, errors };
}
