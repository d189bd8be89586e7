/**
 * Latencies in fixed 5 ms bins (0–10 s, then one overflow bin) over a rolling window: two
 * buckets that swap every `windowMs`, so percentiles cover the last one to two windows at a
 * constant memory cost however many samples arrive (5,000 a second at full feed).
 */
const BIN_MS = 5;
const BINS = 2000;

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

export class LatencyHistogram {
  private current = new Uint32Array(BINS + 1);
  private previous = new Uint32Array(BINS + 1);
  private rotatedAt: number;

  constructor(
    private readonly windowMs = 30_000,
    nowMs = Date.now(),
  ) {
    this.rotatedAt = nowMs;
  }

  add(latencyMs: number, nowMs: number): void {
    this.rotate(nowMs);
    const bin = Math.min(BINS, Math.max(0, Math.floor(latencyMs / BIN_MS)));
    this.current[bin]!++;
  }

  private rotate(nowMs: number): void {
    if (nowMs - this.rotatedAt < this.windowMs) return;
    // A long silence empties both buckets: old latencies say nothing about now.
    const stale = nowMs - this.rotatedAt >= 2 * this.windowMs;
    [this.previous, this.current] = [this.current, this.previous];
    this.current.fill(0);
    if (stale) this.previous.fill(0);
    this.rotatedAt = nowMs;
  }

  /** Percentiles (upper edge of the bin, ms; 10 s+ reads as Infinity), or undefined without samples. */
  summary(nowMs: number): LatencySummary | undefined {
    this.rotate(nowMs);
    let count = 0;
    for (let b = 0; b <= BINS; b++) count += this.current[b]! + this.previous[b]!;
    if (count === 0) return undefined;
    const at = (p: number): number => {
      const rank = Math.ceil(p * count);
      let seen = 0;
      for (let b = 0; b <= BINS; b++) {
        seen += this.current[b]! + this.previous[b]!;
        if (seen >= rank) return b === BINS ? Infinity : (b + 1) * BIN_MS;
      }
      return Infinity;
    };
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99), count };
  }
}
