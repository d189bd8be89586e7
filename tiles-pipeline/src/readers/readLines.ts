import { createReadStream } from 'node:fs';
import { decodeUtf8 } from './decodeUtf8.js';

export interface Line {
  /** 1-based line number. */
  number: number;
  byteOffset: number;
  text: string;
}

/** Streams the non-blank lines of a UTF-8 text file (LF or CRLF), a BOM tolerated. */
export async function* readLines(file: string): AsyncGenerator<Line> {
  let rest: Buffer = Buffer.alloc(0);
  let restOffset = 0;
  let number = 0;
  for await (const raw of createReadStream(file, { highWaterMark: 1 << 20 })) {
    let chunk = raw as Buffer;
    let start = 0;
    if (restOffset === 0 && rest.length === 0 && number === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let lineStart = rest.length ? 0 : start;
    const base = rest.length ? restOffset : restOffset + 0;
    chunk = data;
    for (let i = lineStart; i < chunk.length; i++) {
      if (chunk[i] !== 0x0a) continue;
      number++;
      const end = i > lineStart && chunk[i - 1] === 0x0d ? i - 1 : i;
      if (end > lineStart) {
        const text = decodeUtf8(chunk.subarray(lineStart, end), file, base + lineStart);
        if (text.trim() !== '') yield { number, byteOffset: base + lineStart, text };
      }
      lineStart = i + 1;
    }
    rest = Buffer.from(chunk.subarray(lineStart));
    restOffset = base + lineStart;
  }
  if (rest.length) {
    number++;
    const text = decodeUtf8(rest, file, restOffset);
    if (text.trim() !== '') yield { number, byteOffset: restOffset, text };
  }
}
