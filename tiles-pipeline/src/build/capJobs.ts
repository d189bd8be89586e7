import { availableParallelism } from 'node:os';

/**
 * Worker threads a run may start: what was asked, at most one per CPU core. More threads than
 * cores only add memory (each loads the pipeline; --jobs 1000000 once started 1,300 of them
 * and took 5 GB) and no speed.
 */
export function capJobs(requested: number): { jobs: number; capped: boolean } {
  const cores = Math.max(1, availableParallelism());
  return requested > cores ? { jobs: cores, capped: true } : { jobs: Math.max(1, requested), capped: false };
}
