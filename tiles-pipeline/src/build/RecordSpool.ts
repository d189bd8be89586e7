import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import type { BuildingRecord } from '../buildings/BuildingRecord.js';

/**
 * Validated buildings parked on disk between reading and tiling, so memory is bounded by the
 * per-building columns and one tile, not the input size. Records are v8-serialised.
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
    const bytes = serialize(record);
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

/** Reads spooled records back by (offset, length), e.g. in a worker thread. */
export function readSpooledRecords(path: string, offsets: readonly number[], lengths: readonly number[]): BuildingRecord[] {
  const fd = openSync(path, 'r');
  try {
    return offsets.map((offset, i) => {
      const buffer = Buffer.allocUnsafe(lengths[i]!);
      readSync(fd, buffer, 0, buffer.length, offset);
      return deserialize(buffer) as BuildingRecord;
    });
  } finally {
    closeSync(fd);
  }
}
