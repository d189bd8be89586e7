import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { BuildingRecord } from '../buildings/BuildingRecord.js';
import { decodeRecord, encodeRecord } from './recordCodec.js';

/**
 * Validated buildings parked on disk between reading and tiling, so memory is bounded by the
 * per-building columns and one tile, not the input size.
 */
export class RecordSpool {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private size = 0;
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w+');
  }

  append(record: BuildingRecord): void {
    const bytes = encodeRecord(record);
    this.offsets.push(this.size + this.pendingBytes);
    this.lengths.push(bytes.length);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > 4 << 20) this.flush();
  }

  flush(): void {
    if (this.pendingBytes === 0) return;
    writeSync(this.fd, Buffer.concat(this.pending), 0, this.pendingBytes, this.size);
    this.size += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Reads within this distance of each other are merged into one (records of a tile cluster). */
const MERGE_GAP = 64 * 1024;

/**
 * Reads spooled records back by (offset, length), e.g. in a worker thread, in the order given.
 * Nearby records are fetched with one read: spatially sorted input puts a tile's records close.
 */
export function readSpooledRecords(path: string, offsets: readonly number[], lengths: readonly number[]): BuildingRecord[] {
  const fd = openSync(path, 'r');
  try {
    const order = offsets.map((_, i) => i).sort((a, b) => offsets[a]! - offsets[b]!);
    const records: BuildingRecord[] = new Array(offsets.length);
    let i = 0;
    while (i < order.length) {
      const start = offsets[order[i]!]!;
      let end = start + lengths[order[i]!]!;
      let j = i + 1;
      while (j < order.length && offsets[order[j]!]! - end <= MERGE_GAP && offsets[order[j]!]! + lengths[order[j]!]! - start <= 16 << 20) {
        end = Math.max(end, offsets[order[j]!]! + lengths[order[j]!]!);
        j++;
      }
      const buffer = Buffer.allocUnsafe(end - start);
      readSync(fd, buffer, 0, buffer.length, start);
      for (let k = i; k < j; k++) {
        const index = order[k]!;
        const at = offsets[index]! - start;
        records[index] = decodeRecord(buffer.subarray(at, at + lengths[index]!));
      }
      i = j;
    }
    return records;
  } finally {
    closeSync(fd);
  }
}
