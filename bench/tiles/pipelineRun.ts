import { buildBuildings } from '../../tiles-pipeline/src/build/buildBuildings.js';
import { defaultBuildOptions } from '../../tiles-pipeline/src/build/BuildOptions.js';
import { printRunResult } from '../printRunResult.js';

/** One end-to-end pipeline run in its own process (so peak RSS is its own). Prints JSON. */
const [file, out, jobs] = process.argv.slice(2);
const started = performance.now();
const report = await buildBuildings(defaultBuildOptions([file!], out!, { jobs: Number(jobs), command: 'bench' }));
printRunResult(started, { written: report.features.written, tiles: report.tiles });
