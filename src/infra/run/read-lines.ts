import { createReadStream } from 'node:fs';

const NEWLINE = 0x0a;
/** A log line longer than this is split, so one runaway line cannot exhaust memory. */
const MAX_LINE_BYTES = 1024 * 1024;

export interface OffsetLine {
  text: string;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
}

/** Lines of a file with their byte offsets, streamed; readline cannot tell offsets. */
export async function* readLines(file: string): AsyncGenerator<OffsetLine> {
  let rest: Buffer = Buffer.alloc(0);
  let restOffset = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const buffer = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(NEWLINE); newline !== -1; newline = buffer.indexOf(NEWLINE, start)) {
      yield { text: decode(buffer, start, newline), offset: restOffset + start };
      start = newline + 1;
    }
    rest = buffer.subarray(start);
    restOffset += start;
    if (rest.length > MAX_LINE_BYTES) {
      yield { text: decode(rest, 0, rest.length), offset: restOffset };
      restOffset += rest.length;
      rest = Buffer.alloc(0);
    }
  }
  if (rest.length > 0) yield { text: decode(rest, 0, rest.length), offset: restOffset };
}

function decode(buffer: Buffer, start: number, end: number): string {
  const text = buffer.toString('utf8', start, end);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
