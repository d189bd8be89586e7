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
  for await (const batch of readLineBatches(file)) yield* batch;
}

/**
 * The same lines, a read chunk (~1 MB) at a time: each chunk is decoded as one string and split,
 * and a consumer awaits once per chunk instead of once per line (a 100k-line file is read in
 * a third of the time).
 */
export async function* readLineBatches(file: string): AsyncGenerator<Line[]> {
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
    const end = data.lastIndexOf(0x0a);
    if (end >= 0) {
      const batch: Line[] = [];
      number = splitLines(data.subarray(0, end), file, dataOffset, number, batch);
      if (batch.length > 0) yield batch;
    }
    pending = Buffer.from(data.subarray(end + 1));
    pendingOffset = dataOffset + end + 1;
  }
  if (pending.length) {
    const batch: Line[] = [];
    splitLines(pending, file, pendingOffset, number, batch);
    if (batch.length > 0) yield batch;
  }
}

/** Appends the non-blank lines of `bytes` (whole lines, the last without its newline); returns the last line number. */
function splitLines(bytes: Buffer, file: string, byteOffset: number, number: number, into: Line[]): number {
  const text = decodeUtf8(bytes, file, byteOffset);
  let offset = byteOffset;
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const stop = newline < 0 ? text.length : newline;
    const raw = text.slice(start, stop);
    number++;
    // A BOM inside the file (files concatenated) is dropped like the one at its start.
    const line = raw.slice(raw.charCodeAt(0) === 0xfeff ? 1 : 0, raw.endsWith('\r') ? -1 : raw.length);
    if (line.trim() !== '') into.push({ number, byteOffset: offset, text: line });
    if (newline < 0) return number;
    // Byte offsets advance by the UTF-8 length, not the string length.
    offset += Buffer.byteLength(raw) + 1;
    start = newline + 1;
  }
}
