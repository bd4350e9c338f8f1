/**
 * The last lines of a step's output, bounded so that a chatty build cannot fill memory or a
 * Slack message: at most `maxLines` lines and about `maxChars` characters.
 */
export interface OutputTail {
  push(line: string): void;
  text(): string;
}

export interface OutputTailOptions {
  maxLines?: number;
  maxChars?: number;
  /** One minified bundle line must not push every useful line out of the tail. */
  maxLineChars?: number;
}

export function createOutputTail({
  maxLines = 40,
  maxChars = 4000,
  maxLineChars = 1000,
}: OutputTailOptions = {}): OutputTail {
  const lines: string[] = [];
  let chars = 0;
  let dropped = 0;
  const lineCap = Math.max(1, Math.min(maxLineChars, maxChars));

  return {
    push(line) {
      const kept = line.length > lineCap ? `${line.slice(0, lineCap - 1)}…` : line;
      lines.push(kept);
      chars += kept.length + 1;
      while (lines.length > Math.max(1, maxLines) || (chars > maxChars && lines.length > 1)) {
        chars -= (lines.shift() ?? '').length + 1;
        dropped += 1;
      }
    },
    text() {
      if (dropped === 0) return lines.join('\n');
      return [`… ${dropped} earlier line${dropped === 1 ? '' : 's'} omitted`, ...lines].join('\n');
    },
  };
}
