/** One leg of `npm run bench:tools`: a tool's analyses timed on the seed district, as table rows. */
export interface BenchLeg {
  name: string;
  /** Runs the leg (after the demo's data is built) and returns its rows. */
  run(context: BenchContext): Promise<BenchRow[]> | BenchRow[];
}

export interface BenchContext {
  /** The repository root; the demo's data is under data/ (prepareDemo ran). */
  root: string;
  /** Runs per timed case (RUNS, default 200). */
  runs: number;
}

export interface BenchRow {
  case: string;
  /** Milliseconds: median, 95th percentile and worst of the runs. */
  median: number;
  p95: number;
  max: number;
  /** The target (ms) where it sets one, judged on the 95th percentile. */
  targetMs?: number;
  note?: string;
}

/** Times `run` once per input after a few warm-up runs: median, p95 and max in ms. */
export function timeRuns<T>(inputs: readonly T[], run: (input: T) => unknown, warmUp = 10): { median: number; p95: number; max: number } {
  for (const input of inputs.slice(0, warmUp)) run(input);
  const times = inputs.map((input) => {
    const started = performance.now();
    run(input);
    return performance.now() - started;
  });
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(times.length * p))]!;
  return { median: at(0.5), p95: at(0.95), max: times[times.length - 1]! };
}
