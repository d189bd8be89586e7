import { buildBuildings } from '../../tiles-pipeline/src/build/buildBuildings.js';
import { DEFAULT_TILING } from '../../tiles-pipeline/src/tiling/buildTileTree.js';

/** One end-to-end pipeline run in its own process (so peak RSS is its own). Prints JSON. */
const [file, out, jobs] = process.argv.slice(2);
const started = performance.now();
const report = await buildBuildings({
  inputs: [file!],
  out: out!,
  crs: undefined,
  idField: undefined,
  lod: undefined,
  heightField: undefined,
  floorsField: undefined,
  minHeightField: undefined,
  floorHeight: 3,
  defaultHeight: 10,
  compression: 'meshopt',
  jobs: Number(jobs),
  tiling: DEFAULT_TILING,
  command: 'bench',
});
console.log(
  JSON.stringify({
    seconds: (performance.now() - started) / 1000,
    maxRss: process.resourceUsage().maxRSS * 1024,
    written: report.features.written,
    tiles: report.tiles,
  }),
);
