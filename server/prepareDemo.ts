import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli as tilesCli } from '../tiles-pipeline/src/index.js';
import { generateSeeds, GENERATED_DIR, generatorVersion } from '../seeds/generator/main.js';
import { hashSources } from './hashSources.js';
import { withLock } from './withLock.js';

export interface DemoPaths {
  root: string;
  dataDir: string;
  tilesDir: string;
  groundDir: string;
  viewerDist: string;
}

export function demoPaths(root: string): DemoPaths {
  const dataDir = join(root, 'data');
  return { root, dataDir, tilesDir: join(dataDir, 'tiles'), groundDir: GENERATED_DIR, viewerDist: join(root, 'dist', 'viewer') };
}

/** The seed tilesets and the arguments they are built with. */
/** The water service-connection survey and the points of interest, for the burst analysis (network.json). */
const SERVICE_OPTIONS = ['--services', join(GENERATED_DIR, 'nankai-water-services.geojson'), '--facilities', join(GENERATED_DIR, 'nankai-poi.geojson')];

export const DEMO_TILESETS = [
  // Both layers' buildings by their survey id (编号; the GeoJSON's feature ids are the same ids), which the service connections name.
  { name: 'buildings', args: ['buildings', 'nankai-buildings.geojson', 'nankai-buildings-huayuan.shp'], options: ['--id-field', '编号'] },
  // The survey tables: GeoJSON with Chinese columns, gas as GBK Shapefiles in EPSG:4548.
  { name: 'pipes', args: ['pipes', 'nankai-pipe-lines.geojson', 'nankai-pipe-points.geojson', 'RQ_line.shp', 'RQ_point.shp'], options: SERVICE_OPTIONS },
  // The water network's EPANET model, placed by its CGCS2000 Gauss-Krüger coordinates.
  { name: 'water-model', args: ['pipes', 'nankai-water.inp'], options: ['--crs', 'EPSG:4548', ...SERVICE_OPTIONS] },
] as const;

/**
 * Builds what the demo needs and is missing or stale: the seed inputs (when the generator
 * changed), the tilesets (when seeds or pipeline changed) and the viewer bundle (when its
 * sources changed). Each step records what it was built from in a stamp file.
 */
export async function prepareDemo(paths: DemoPaths, log: (line: string) => void = console.log): Promise<void> {
  mkdirSync(paths.dataDir, { recursive: true });
  await withLock(join(paths.dataDir, '.prepare.lock'), () => prepareUnlocked(paths, log));
}

async function prepareUnlocked(paths: DemoPaths, log: (line: string) => void): Promise<void> {
  const stampFile = join(paths.dataDir, 'stamps.json');
  const stamps = (existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : {}) as Record<string, string>;
  const save = (): void => writeFileSync(stampFile, `${JSON.stringify(stamps, null, 2)}\n`);

  const seedsVersion = generatorVersion();
  const manifest = join(GENERATED_DIR, 'manifest.json');
  const generatedVersion = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { generatorVersion?: string }).generatorVersion : undefined;
  if (generatedVersion !== seedsVersion) {
    log('Generating the Nankai seed district…');
    const counts = generateSeeds();
    log(`  ${counts.buildings} buildings, ${counts.roads} roads, ${counts.areas} water/green areas`);
  }

  const pipelineVersion = hashSources(
    paths.root,
    ['tiles-pipeline/src', 'workers/geometry', 'workers/standards', 'workers/formats', 'package-lock.json'],
    seedsVersion,
  );
  for (const tileset of DEMO_TILESETS) {
    const out = join(paths.tilesDir, tileset.name);
    const key = `tiles:${tileset.name}`;
    // The stamp covers the pipeline, the seeds and this tileset's own arguments.
    const version = `${pipelineVersion}:${JSON.stringify(tileset)}`;
    if (stamps[key] === version && existsSync(join(out, 'tileset.json'))) continue;
    log(`Building the ${tileset.name} tileset…`);
    const [command, ...inputs] = tileset.args;
    const options = 'options' in tileset ? tileset.options : [];
    const code = await tilesCli([command, ...inputs.map((f) => join(GENERATED_DIR, f)), ...options, '--out', out]);
    if (code !== 0) throw new Error(`building the ${tileset.name} tileset failed (exit ${code})`);
    if (tileset.name === 'pipes') log(plantedConflictsNote(join(out, 'build-report.json')));
    stamps[key] = version;
    save();
  }

  const viewerVersion = hashSources(paths.root, ['viewer', 'layers', 'workers', 'vite.config.ts', 'package-lock.json']);
  if (stamps['viewer'] !== viewerVersion || !existsSync(join(paths.viewerDist, 'index.html'))) {
    log('Building the viewer…');
    const { build } = await import('vite');
    // Built beside and swapped in whole: a server of another run on this machine keeps serving
    // a complete viewer (a build in place empties the folder and copies Cesium's assets last).
    const staging = join(dirname(paths.viewerDist), `.viewer-staging-${process.pid}`);
    await build({ configFile: join(paths.root, 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
    const previous = join(dirname(paths.viewerDist), `.viewer-previous-${process.pid}`);
    if (existsSync(paths.viewerDist)) renameSync(paths.viewerDist, previous);
    renameSync(staging, paths.viewerDist);
    rmSync(previous, { recursive: true, force: true });
    stamps['viewer'] = viewerVersion;
    save();
  }
}

/** Says whether the clearance conflicts found are the ones planted in the seeds (seeds/README.md), so nobody mistakes them for a bug. */
function plantedConflictsNote(reportFile: string): string {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { clearance?: { found?: number; conflicts?: { a: string; b: string }[] } };
  const planted = JSON.parse(readFileSync(join(GENERATED_DIR, 'planted-conflicts.json'), 'utf8')) as { a: string }[];
  const conflicts = report.clearance?.conflicts ?? [];
  const isPlanted = (c: { a: string; b: string }): boolean => planted.some((p) => p.a === c.a || p.a === c.b);
  const found = report.clearance?.found ?? conflicts.length;
  if (found > 0 && found === conflicts.length && conflicts.every(isPlanted))
    return `  (these ${found} conflicts are the ones planted in the demo data on purpose: seeds/README.md)`;
  return `  (${conflicts.filter(isPlanted).length} of these ${found} conflicts are the ones planted in the demo data: seeds/README.md)`;
}
