import { stat } from 'node:fs/promises';
import { parseLogTimestamp } from './parse-log-timestamp.js';
import { readLines } from './read-lines.js';
import { createRedactor, type Redact } from './redact.js';
import { elapsedSince, failedOutcome, type StepOutcome } from './step-outcome.js';

export interface ScanLogOptions {
  file: string;
  since: Date;
  /** Plain text, matched case-insensitively anywhere in a line (not regular expressions). */
  patterns: string[];
  /** The log's size when the deployment began; used when its lines carry no timestamps. */
  sinceOffset?: number;
  redact?: Redact;
}

const MAX_SHOWN = 20;
const MAX_SHOWN_LINE_CHARS = 300;

/** Lines in the scan window and the matches among them, the first few kept to show. */
interface Window {
  lines: number;
  matches: number;
  shown: string[];
}

/**
 * Reports log lines matching any pattern written since the deployment began. A missing log
 * fails the step: a check that cannot look must never pass silently.
 */
export async function scanLog(options: ScanLogOptions): Promise<StepOutcome> {
  const started = performance.now();
  const { file, since } = options;
  // The plan's patterns are regular expressions (validated when the plan loads), matched case-insensitively.
  const needles = options.patterns.filter((pattern) => pattern.length > 0).map((p) => new RegExp(p, 'i'));
  if (needles.length === 0) return failedOutcome('no patterns to scan for', started);

  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return failedOutcome(`not a file: ${file}`, started);
    size = info.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return failedOutcome(`log file not found: ${file}`, started);
    return failedOutcome(`cannot read log file ${file}: ${code ?? 'unknown error'}`, started);
  }

  // A log smaller than the recorded offset was rotated or truncated since: read all of it.
  const rotated = options.sinceOffset !== undefined && options.sinceOffset > size;
  const startOffset = rotated ? 0 : (options.sinceOffset ?? 0);
  const sinceMs = since.getTime();
  const redact = options.redact ?? createRedactor([]);
  const byTime = emptyWindow();
  const byOffset = emptyWindow();
  // Lines before the first timestamp take that first timestamp, as later lines take the last.
  const beforeFirstTimestamp = emptyWindow();
  let lastTimestamp: number | undefined;

  try {
    for await (const { text, offset } of readLines(file)) {
      const timestamp = parseLogTimestamp(text);
      if (timestamp !== undefined && lastTimestamp === undefined && timestamp >= sinceMs) {
        merge(byTime, beforeFirstTimestamp);
      }
      if (timestamp !== undefined) lastTimestamp = timestamp;
      // Redacted before clipping, so a clip cannot cut a secret in half and expose the rest.
      const shown = needles.some((needle) => needle.test(text)) ? clip(redact(text)) : undefined;
      if (offset >= startOffset) record(byOffset, shown);
      if (lastTimestamp === undefined) record(beforeFirstTimestamp, shown);
      else if (lastTimestamp >= sinceMs) record(byTime, shown);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return failedOutcome(`cannot read log file ${file}: ${code ?? 'unknown error'}`, started);
  }

  const timed = lastTimestamp !== undefined;
  const window = timed ? byTime : byOffset;
  const notes = timed ? [] : [untimedNote(options.sinceOffset, startOffset, rotated)];
  const sinceText = since.toISOString();
  const scanned = `${window.lines} line${window.lines === 1 ? '' : 's'} scanned`;
  const durationMs = elapsedSince(started);

  if (window.matches === 0) {
    const summary = `no errors since ${sinceText} (${scanned})`;
    return { status: 'succeeded', outputTail: notes.join('\n'), durationMs, summary };
  }
  const more = window.matches > window.shown.length ? [`… ${window.matches - window.shown.length} more`] : [];
  const outputTail = [...notes, ...window.shown, ...more].join('\n');
  const count = `${window.matches} matching line${window.matches === 1 ? '' : 's'}`;
  return { status: 'failed', outputTail, durationMs, summary: `${count} since ${sinceText} (${scanned})` };
}

function emptyWindow(): Window {
  return { lines: 0, matches: 0, shown: [] };
}

/** `shown` is the matching line as it may be displayed, or undefined when the line did not match. */
function record(window: Window, shown: string | undefined): void {
  window.lines += 1;
  if (shown === undefined) return;
  window.matches += 1;
  if (window.shown.length < MAX_SHOWN) window.shown.push(shown);
}

function clip(text: string): string {
  return text.length > MAX_SHOWN_LINE_CHARS ? `${text.slice(0, MAX_SHOWN_LINE_CHARS)}…` : text;
}

function merge(into: Window, from: Window): void {
  into.lines += from.lines;
  into.matches += from.matches;
  into.shown.push(...from.shown.slice(0, MAX_SHOWN - into.shown.length));
}

function untimedNote(sinceOffset: number | undefined, startOffset: number, rotated: boolean): string {
  const prefix = 'log has no timestamps';
  if (rotated) return `${prefix} and shrank since the deployment began (rotated?): scanned all of it`;
  if (sinceOffset === undefined) return `${prefix} and no start offset was recorded: scanned all of it`;
  return `${prefix}: scanned from byte ${startOffset}`;
}
