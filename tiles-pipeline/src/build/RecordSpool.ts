import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { BuildingRecord } from '../buildings/BuildingRecord.js';
import { decodeRecord, encodeRecord } from './recordCodec.js';

/** Below this estimated size the records stay in memory; above it they go to disk. */
export const DEFAULT_MEMORY_BUDGET = 64 * 1024 * 1024;
/** Rough heap cost of a record beyond its coordinates (object, attributes, strings). */
const RECORD_OVERHEAD = 400;

/**
 * Validated buildings parked between reading and tiling. Small runs keep them in memory; once
 * the estimate passes the budget they are written to a spool file and read back per tile, so
 * memory stays bounded by the per-building columns and one tile, not the input size.
 */
export class RecordSpool {
  private fd: number | undefined;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private size = 0;
  private memory: BuildingRecord[] | undefined = [];
  private memoryBytes = 0;
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];

  constructor(
    readonly path: string,
    private readonly memoryBudget = DEFAULT_MEMORY_BUDGET,
  ) {}

  /** Whether records are still held in memory (then `records()` serves them). */
  get inMemory(): boolean {
    return this.memory !== undefined;
  }

  append(record: BuildingRecord): void {
    if (this.memory) {
      this.memory.push(record);
      for (const p of record.polygons) this.memoryBytes += p.lonLat.byteLength;
      for (const s of record.surfaces) this.memoryBytes += s.lonLatHeight.byteLength;
      this.memoryBytes += RECORD_OVERHEAD;
      if (this.memoryBytes > this.memoryBudget) this.spillToDisk();
      return;
    }
    this.write(record);
  }

  /** The records at these indices (memory mode only). */
  records(indices: readonly number[]): BuildingRecord[] {
    if (!this.memory) throw new Error('the spool is on disk: read it with readSpooledRecords');
    return indices.map((i) => this.memory![i]!);
  }

  close(): void {
    if (this.fd === undefined) return;
    this.flush();
    closeSync(this.fd);
    this.fd = undefined;
  }

  private spillToDisk(): void {
    const held = this.memory!;
    this.memory = undefined;
    this.fd = openSync(this.path, 'w+');
    for (const record of held) this.write(record);
  }

  private write(record: BuildingRecord): void {
    const bytes = encodeRecord(record);
    this.offsets.push(this.size + this.pendingBytes);
    this.lengths.push(bytes.length);
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > 4 << 20) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0 || this.fd === undefined) return;
    writeSync(this.fd, Buffer.concat(this.pending), 0, this.pendingBytes, this.size);
    this.size += this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
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
