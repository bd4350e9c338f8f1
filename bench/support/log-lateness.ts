import { readFile } from 'node:fs/promises';
import { type Summary, summarize } from './stats.js';

/**
 * The product's own "timer fired" log lines (latenessMs: when the job ran, against fire_at), by
 * kind: the scheduling lateness alone, before any work the timer does.
 */
export async function loggedTimerLateness(
  file: string,
  kinds = ['check_in', 'soak_end'],
): Promise<Record<string, Summary>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const samples = new Map<string, number[]>();
  for (const line of text.split('\n')) {
    if (!line.includes('"timer fired"')) continue;
    try {
      const entry = JSON.parse(line) as { kind?: string; latenessMs?: number };
      if (entry.kind && typeof entry.latenessMs === 'number')
        samples.set(entry.kind, [...(samples.get(entry.kind) ?? []), entry.latenessMs]);
    } catch {
      // a partial line
    }
  }
  return Object.fromEntries(kinds.map((kind) => [kind, summarize(samples.get(kind) ?? [])]));
}
