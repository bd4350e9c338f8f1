import { createOutputTail } from './output-tail.js';

/** 2 MiB: a whole build log, yet nothing a chatty command can grow into a memory or table problem. */
export const fullOutputLimitBytes = 2 * 1024 * 1024;

/**
 * A step's whole output, for the [Full output] file: every line while it fits in `maxBytes`;
 * past that the beginning is kept, then a line saying what was cut, then the last lines (where
 * errors are). Bounded whatever the command prints.
 */
export interface OutputLog {
  push(line: string): void;
  text(): string;
}

export function createOutputLog({ maxBytes = fullOutputLimitBytes } = {}): OutputLog {
  const head: string[] = [];
  let headBytes = 0;
  // Only used once the head is full: the end of the output, bounded like the message's tail.
  const end = createOutputTail({ maxLines: 200, maxChars: 64 * 1024, maxLineChars: 8 * 1024 });
  let cutLines = 0;
  let cutBytes = 0;

  return {
    push(line) {
      const bytes = Buffer.byteLength(line) + 1;
      if (cutLines === 0 && headBytes + bytes <= maxBytes) {
        head.push(line);
        headBytes += bytes;
        return;
      }
      cutLines += 1;
      cutBytes += bytes;
      end.push(line);
    },
    text() {
      if (cutLines === 0) return head.join('\n');
      const cut = `… output cut at ${formatBytes(maxBytes)}: ${cutLines} more line${cutLines === 1 ? '' : 's'} (${formatBytes(cutBytes)}) followed; only the last of them are kept below …`;
      return [...head, cut, end.text()].join('\n');
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
