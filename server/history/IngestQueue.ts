/** One batch of queued observations in typed-array columns (rows 0 … count-1). */
export interface IngestBatch {
  count: number;
  datastream: Uint32Array;
  time: Float64Array;
  result: Float64Array;
  state: Uint8Array;
  /** 1 where the datastream's alarm state changed with this observation. */
  transition: Uint8Array;
}

function emptyBatch(capacity: number): IngestBatch {
  return {
    count: 0,
    datastream: new Uint32Array(capacity),
    time: new Float64Array(capacity),
    result: new Float64Array(capacity),
    state: new Uint8Array(capacity),
    transition: new Uint8Array(capacity),
  };
}

/**
 * The bounded queue between the broker and the store: two batches of typed-array columns, one
 * filling while the other is written. `push` never waits and allocates nothing; when the
 * filling batch is full the observation is refused (the caller counts it). Memory is fixed:
 * 2 × capacity × 22 bytes.
 */
export class IngestQueue {
  private filling: IngestBatch;
  private spare: IngestBatch;
  /** The earliest phenomenonTime in the filling batch (+∞ when empty). */
  private earliestFilling = Number.POSITIVE_INFINITY;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`the history's queue capacity must be a positive integer, not ${capacity}`);
    this.filling = emptyBatch(capacity);
    this.spare = emptyBatch(capacity);
  }

  get pending(): number {
    return this.filling.count;
  }

  /** The earliest phenomenonTime queued (+∞ when nothing is): a read of an earlier time need not wait for the write. */
  get earliest(): number {
    return this.earliestFilling;
  }

  push(datastream: number, time: number, result: number, state: number, transition: boolean): boolean {
    const batch = this.filling;
    const i = batch.count;
    if (i >= this.capacity) return false;
    batch.datastream[i] = datastream;
    batch.time[i] = time;
    batch.result[i] = result;
    batch.state[i] = state;
    batch.transition[i] = transition ? 1 : 0;
    batch.count = i + 1;
    if (time < this.earliestFilling) this.earliestFilling = time;
    return true;
  }

  /** Hands the filled batch over; valid until the next `take` (the writer writes one batch at a time). */
  take(): IngestBatch {
    const taken = this.filling;
    this.spare.count = 0;
    this.earliestFilling = Number.POSITIVE_INFINITY;
    this.filling = this.spare;
    this.spare = taken;
    return taken;
  }
}
