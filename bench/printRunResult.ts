/**
 * The last line a benchmark child process prints: wall seconds since `started`, its own peak
 * RSS, and what the run reports. The parent reads it (see bench/tiles/benchTiles.ts).
 */
export function printRunResult(started: number, report: Record<string, number>): void {
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, maxRss: process.resourceUsage().maxRSS * 1024, ...report }));
}
