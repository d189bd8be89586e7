/**
 * The latest observation per datastream, in typed arrays: an observation older than the one
 * held (by phenomenonTime) never overwrites it, and a duplicate (same time) changes nothing.
 * Returns whether the reading was taken.
 */
export class LatestObservations {
  readonly time: Float64Array;
  readonly value: Float64Array;
  /** When the reading was received (ms), for staleness. */
  readonly received: Float64Array;

  constructor(readonly count: number) {
    this.time = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
    this.value = new Float64Array(count).fill(Number.NaN);
    this.received = new Float64Array(count);
  }

  offer(i: number, phenomenonTimeMs: number, value: number, receivedMs: number): boolean {
    if (i < 0 || i >= this.count || !Number.isFinite(value) || !Number.isFinite(phenomenonTimeMs)) return false;
    if (phenomenonTimeMs <= this.time[i]!) return false;
    this.time[i] = phenomenonTimeMs;
    this.value[i] = value;
    this.received[i] = receivedMs;
    return true;
  }
}
