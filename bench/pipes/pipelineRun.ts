import { buildPipes } from '../../tiles-pipeline/src/pipes/buildPipes.js';
import { DEFAULT_FIELD_MAPPING } from '../../tiles-pipeline/src/pipes/pipeFields.js';
import { printRunResult } from '../printRunResult.js';

/** One end-to-end pipes run in its own process. Prints JSON. */
const [file, out, jobs] = process.argv.slice(2);
const started = performance.now();
const report = await buildPipes({
  inputs: [file!],
  out: out!,
  crs: undefined,
  origin: undefined,
  cover: 1.2,
  ground: 'flat',
  category: undefined,
  mapping: DEFAULT_FIELD_MAPPING,
  compression: 'meshopt',
  jobs: Number(jobs ?? 1),
  maxFeatures: 800,
  command: 'bench',
});
printRunResult(started, { written: report.features.written, tiles: report.tiles, conflicts: report.clearance.conflicts.length });
