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
  let pending: Buffer = Buffer.alloc(0); // bytes after the last newline seen
  let pendingOffset = 0; // file offset of pending[0]
  let number = 0;
  let first = true;
  for await (const raw of createReadStream(file, { highWaterMark: 1 << 20 })) {
    let data = pending.length ? Buffer.concat([pending, raw as Buffer]) : (raw as Buffer);
    let dataOffset = pendingOffset;
    if (first) {
      first = false;
      if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        data = data.subarray(3);
        dataOffset = 3;
      }
    }
    let lineStart = 0;
    for (let i = 0; i < data.length; i++) {
      if (data[i] !== 0x0a) continue;
      number++;
      const end = i > lineStart && data[i - 1] === 0x0d ? i - 1 : i;
      if (end > lineStart) {
        const text = decodeUtf8(data.subarray(lineStart, end), file, dataOffset + lineStart);
        if (text.trim() !== '') yield { number, byteOffset: dataOffset + lineStart, text };
      }
      lineStart = i + 1;
    }
    pending = Buffer.from(data.subarray(lineStart));
    pendingOffset = dataOffset + lineStart;
  }
  if (pending.length) {
    number++;
    const text = decodeUtf8(pending, file, pendingOffset);
    if (text.trim() !== '') yield { number, byteOffset: pendingOffset, text };
  }
}
