/** Frame times and rate of a scene: the median CPU time of the last 120 frames, frames in the last second. */
export class FrameStats {
  private readonly times = new Float64Array(120);
  private count = 0;
  private readonly stamps: number[] = [];
  private frameStart = 0;
  firstFrameMs: number | null = null;

  beginFrame(now: number): void {
    this.frameStart = now;
  }

  endFrame(now: number): void {
    this.firstFrameMs ??= now;
    this.times[this.count++ % this.times.length] = now - this.frameStart;
    this.stamps.push(now);
    while (this.stamps.length && this.stamps[0]! < now - 1000) this.stamps.shift();
  }

  medianFrameMs(): number {
    const recorded = Math.min(this.count, this.times.length);
    if (!recorded) return 0;
    const sorted = Array.from(this.times.subarray(0, recorded)).sort((a, b) => a - b);
    return Math.round(sorted[Math.floor(recorded / 2)]! * 100) / 100;
  }

  framesPerSecond(): number {
    return this.stamps.length;
  }
}
