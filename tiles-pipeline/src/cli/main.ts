import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildBuildings, NothingToWriteError } from '../build/buildBuildings.js';
import { capJobs } from '../build/capJobs.js';
import { MAX_RECORD_TEXT } from '../build/recordTooLarge.js';
import { WorkerPoolError } from '../build/WorkerPoolError.js';
import { DEFAULT_WORKER_MEMORY_MB } from '../build/WorkerPool.js';
import { OutputTargetError } from '../output/OutputTargetError.js';
import { DEFAULT_MAX_FEATURE_BYTES, DEFAULT_MAX_NESTING, MIN_MAX_NESTING } from '../readers/featureLimits.js';
import { CrsError } from '../crs/CrsError.js';
import { resolveCrs } from '../crs/resolveCrs.js';
import { COMPRESSIONS, type Compression } from '../gltf/Compression.js';
import { featureSummaryLines, repairLines } from './featureSummary.js';
import { progressBar } from './progressBar.js';
import { InputFileError } from '../readers/InputFileError.js';
import { encodingOfLabel } from '../readers/encodingOfLabel.js';
import { MAX_RING_VERTICES, RING_SIMPLIFY_TOLERANCE_METRES } from '../buildings/BuildingOptions.js';
import { buildPipes, type PipeBuildReport } from '../pipes/buildPipes.js';
import { DEFAULT_FIELD_MAPPING, type FieldMapping, fieldMappingFromJson } from '../pipes/pipeFields.js';
import type { BuildReport } from '../report/BuildReport.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import { DEFAULT_TILING } from '../tiling/buildTileTree.js';
import { analyze } from './analyze.js';
import { DEFAULT_SERVICE_REACH } from '../pipes/buildServiceConnections.js';

const HELP = `cim-twin — CIM data to OGC 3D Tiles 1.1

Usage:
  npm run tiles -- buildings <input...> --out <dir> [options]
  npm run tiles -- pipes <input...> --out <dir> [options]
  cim-twin buildings|pipes <input...> --out <dir> [options]
  cim-twin analyze burst|criticality --network <network.json> …   (see cim-twin analyze --help)

Inputs (format from the extension and content):
  .geojson/.json        GeoJSON FeatureCollection (streamed), Polygon/MultiPolygon footprints
  .ndjson/.geojsonl     newline-delimited GeoJSON Features (streamed)
  .city.json/.json      CityJSON 1.1 / 2.0 (Building, BuildingPart; Solid, MultiSurface, CompositeSurface)
  .city.jsonl           CityJSONSeq (streamed)
  .shp                  Shapefile with .dbf, .prj, .cpg (GBK/GB18030, UTF-8 …)

 pipes: pipe-line and pipe-point tables (GeoJSON/Shapefile; LineString = 管线段, Point = 管线点)
  with CJJ 61 columns (起点编号, 终点编号, 起点埋深, 终点埋深, 管径, 断面尺寸, 材质, 权属单位, 埋设方式,
  建设年代, 类别…) or English ones, one layer per category (JS_*.shp, 雨水*.geojson) or a category
  column; EPANET .inp water networks.

Options:
  --out <dir>             output folder (required), published atomically at the end. It may be
                          new, empty or this tool's previous output there (which it replaces);
                          anything else is refused (exit 2) and left untouched
  --force                 also replace an existing folder (or link) at --out that is not a
                          previous output. Never a file, an input or a folder holding one, the
                          current directory or one above it, the home directory or /
  --crs <crs>             CRS of the inputs, overriding what they declare: EPSG:4326, EPSG:4490
                          (CGCS2000), EPSG:4513–4554 (CGCS2000 3° Gauss-Krüger, e.g. EPSG:4548
                          for Tianjin), EPSG:4491–4512 (6° zones), GCJ02, a proj4 string.
                          GeoJSON without a "crs" member is WGS84 (RFC 7946); CityJSON and
                          Shapefile without a CRS are an error.
  --height-field <name>   attribute with the height in metres (default: height, 高度, …)
  --floors-field <name>   attribute with the number of floors (default: floors, 层数, building:levels, …)
  --min-height-field <n>  attribute with the bottom height (default: min_height)
  --floor-height <m>      metres per floor when only floors are known (default 3)
  --default-height <m>    height when neither is known, reported as HEIGHT_DEFAULTED (default 10)
  --id-field <name>       attribute holding the building id (default: the feature id, then "id")
  --lod <lod>             CityJSON LoD to use, e.g. 1.2, 2.2 or 2 (default: the highest)
  --encoding <code page>  text of .dbf files (overrides .cpg and the dBASE language byte) and
                          EPANET .inp files (default: UTF-8 if valid, else GB18030): gbk, utf-8,
                          big5, windows-1252… GeoJSON and CityJSON are always UTF-8
  --max-ring-vertices <n> vertices a footprint ring may have (default ${MAX_RING_VERTICES}); a larger one is
                          simplified within ${RING_SIMPLIFY_TOLERANCE_METRES * 100} cm (RING_SIMPLIFIED), or skipped if still
                          larger (RING_TOO_MANY_VERTICES)
  --compress <mode>       meshopt (default; EXT_meshopt_compression + KHR_mesh_quantization),
                          draco (KHR_draco_mesh_compression) or none
  --max-features <n>      buildings per leaf tile at most (default ${DEFAULT_TILING.maxFeatures})
  --jobs <n>              worker threads building tiles (pipes: and checking clearances;
                          default: CPU count, at most 8); more than the CPU count is capped
                          at it; output is byte-identical whatever the number
  --worker-memory <MB>    heap limit of each worker thread (default ${DEFAULT_WORKER_MEMORY_MB}). A tile that needs
                          more is skipped (TILE_FAILED, its features named) and the run goes on;
                          with --jobs 1 everything runs in one thread without this limit
  --max-nesting <n>       GeoJSON: deepest nesting of objects/arrays a feature may have, the
                          feature being level 1 and a MultiPolygon's positions level 6 (default
                          ${DEFAULT_MAX_NESTING}, at least ${MIN_MAX_NESTING}); a deeper feature is skipped (NESTING_TOO_DEEP)
  --max-feature-mb <n>    GeoJSON: largest feature read, MB of JSON (default ${DEFAULT_MAX_FEATURE_BYTES / 1024 / 1024}); a larger one
                          is skipped unread (FEATURE_TOO_LARGE), as is a building with more than
                          ${MAX_RECORD_TEXT / 1e6}M characters of attribute text (which could abort a worker)
  --origin <lon>,<lat>    pipes: place schematic EPANET coordinates with their centre here
  --cover <m>             pipes: depth of cover for EPANET pipes (default 1.2)
  --ground flat|points    pipes: below a flat ground at height 0 (default: matches buildings
                          without terrain) or below the points' 地面高程 (absolute heights)
  --category <code>       pipes: CJJ 61 category of inputs that name none (JS, PS, YS, RQ, RL, DL, TX…)
  --fields <mapping.json> pipes: column mapping, e.g. {"diameter": {"column": "DN", "unit": "mm"}}
  --services <file>       pipes: water service connections (CSV, GeoJSON, Shapefile) with columns
                          建筑编号/building_id and 接入点/node_id (the main's point it is fed
                          from), written into network.json; a row without a known connection
                          point is connected to the nearest main of its street (道路名称 or the
                          address), else the nearest main within --service-reach
  --buildings <dir>       pipes: the buildings tileset (its folder or search-index.json): every
                          building of it gets a connection, inferred where --services has none;
                          rows naming other buildings are refused (SERVICE_BUILDING_UNKNOWN)
  --service-reach <m>     pipes: how far an inferred connection reaches for a main (default ${DEFAULT_SERVICE_REACH})
  --facilities <file>     pipes: points of interest; the hospitals, schools and care homes among
                          them go into network.json, in the building they name or the nearest
                          served building (for the burst analysis)
  --strict                exit 3 if any feature was skipped (pipes: or the clearance check could
                          not finish); the output is still written
  --quiet                 no progress bar
  -h, --help              this help

Output: <out>/tileset.json, <out>/tiles/*.glb, <out>/build-report.json (pipes: network.json, and a
tileset per CJJ 61 category, <out>/<code>/tileset.json with its search index and attributes.json,
under a root tileset.json that references them; docs/pipeline.md).
Exit codes: 0 written; 1 nothing usable, an unreadable input file (missing, a folder…) or
worker threads that cannot start; 2 usage error, including an --out that must not be replaced;
3 written but features were skipped and --strict was given.
`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'analyze') return analyze(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        crs: { type: 'string' },
        'height-field': { type: 'string' },
        'floors-field': { type: 'string' },
        'min-height-field': { type: 'string' },
        'floor-height': { type: 'string' },
        'default-height': { type: 'string' },
        'id-field': { type: 'string' },
        lod: { type: 'string' },
        compress: { type: 'string' },
        'max-features': { type: 'string' },
        jobs: { type: 'string' },
        'worker-memory': { type: 'string' },
        'max-nesting': { type: 'string' },
        'max-feature-mb': { type: 'string' },
        encoding: { type: 'string' },
        'max-ring-vertices': { type: 'string' },
        origin: { type: 'string' },
        ground: { type: 'string' },
        cover: { type: 'string' },
        category: { type: 'string' },
        fields: { type: 'string' },
        services: { type: 'string' },
        buildings: { type: 'string' },
        'service-reach': { type: 'string' },
        facilities: { type: 'string' },
        force: { type: 'boolean' },
        strict: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  const [command, ...inputs] = positionals;
  if (command !== 'buildings' && command !== 'pipes') return usage(`unknown command "${command}" (available: buildings, pipes, analyze)`);
  try {
    if (inputs.length === 0) throw new UsageError('no input files');
    if (!values.out) throw new UsageError('--out <dir> is required');
    if (values.crs !== undefined) {
      try {
        resolveCrs(values.crs);
      } catch (error) {
        throw new UsageError(`--crs: ${(error as Error).message}`);
      }
    }
    if (values.encoding !== undefined && !encodingOfLabel(values.encoding)) {
      throw new UsageError(`--encoding: unknown code page "${values.encoding}" (e.g. utf-8, gbk, gb18030, big5, windows-1252)`);
    }
    const compression = (values.compress ?? 'meshopt') as Compression;
    if (!COMPRESSIONS.includes(compression)) throw new UsageError(`--compress must be one of ${COMPRESSIONS.join(', ')}`);
    const jobs = jobsOption(values.jobs);
    const workerMemoryMb = positiveInt(values['worker-memory'], '--worker-memory') ?? DEFAULT_WORKER_MEMORY_MB;
    const maxNesting = positiveInt(values['max-nesting'], '--max-nesting') ?? DEFAULT_MAX_NESTING;
    if (maxNesting < MIN_MAX_NESTING)
      throw new UsageError(`--max-nesting must be at least ${MIN_MAX_NESTING} (a MultiPolygon's positions are 6 levels deep), got ${maxNesting}`);
    const maxFeatureMb = positiveInt(values['max-feature-mb'], '--max-feature-mb');
    const maxFeatureBytes = maxFeatureMb !== undefined ? maxFeatureMb * 1024 * 1024 : DEFAULT_MAX_FEATURE_BYTES;
    const progress = progressBar(values.quiet === true || !process.stderr.isTTY);
    if (command === 'pipes') {
      const report = await buildPipes({
        inputs,
        out: values.out,
        force: values.force === true,
        crs: values.crs,
        encoding: values.encoding,
        origin: values.origin !== undefined ? lonLatOption(values.origin) : undefined,
        cover: positiveNumber(values.cover, '--cover') ?? 1.2,
        ground: groundOption(values.ground),
        category: values.category,
        mapping: values.fields !== undefined ? fieldMappingFile(values.fields) : DEFAULT_FIELD_MAPPING,
        services: values.services,
        serviceBuildings: values.buildings,
        serviceReach: positiveNumber(values['service-reach'], '--service-reach'),
        facilities: values.facilities,
        compression,
        maxFeatures: positiveInt(values['max-features'], '--max-features') ?? DEFAULT_TILING.maxFeatures,
        jobs,
        workerMemoryMb,
        maxNesting,
        maxFeatureBytes,
        command: ['cim-twin', ...argv].join(' '),
        onProgress: progress.update,
      });
      progress.stop();
      printPipeSummary(report);
      return values.strict && (report.features.skipped > 0 || report.clearance.failed !== undefined) ? 3 : 0;
    }
    for (const option of ['services', 'buildings', 'service-reach', 'facilities'] as const)
      if (values[option] !== undefined) throw new UsageError(`--${option} is an option of the pipes command`);
    const report = await buildBuildings({
      inputs,
      out: values.out,
      force: values.force === true,
      crs: values.crs,
      idField: values['id-field'],
      lod: values.lod,
      encoding: values.encoding,
      maxRingVertices: positiveInt(values['max-ring-vertices'], '--max-ring-vertices') ?? MAX_RING_VERTICES,
      heightField: values['height-field'],
      floorsField: values['floors-field'],
      minHeightField: values['min-height-field'],
      floorHeight: positiveNumber(values['floor-height'], '--floor-height') ?? 3,
      defaultHeight: positiveNumber(values['default-height'], '--default-height') ?? 10,
      compression,
      jobs,
      workerMemoryMb,
      maxNesting,
      maxFeatureBytes,
      tiling: { ...DEFAULT_TILING, maxFeatures: positiveInt(values['max-features'], '--max-features') ?? DEFAULT_TILING.maxFeatures },
      command: ['cim-twin', ...argv].join(' '),
      onProgress: progress.update,
    });
    progress.stop();
    printSummary(report);
    if (values.strict && report.features.skipped > 0) return 3;
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    if (error instanceof OutputTargetError) {
      process.stderr.write(`error: ${error.message}\n`); // one line: what is there and what to do
      return 2;
    }
    if (error instanceof WorkerPoolError) {
      process.stderr.write(`error: ${error.message}; nothing was written (see --worker-memory, --jobs)\n`);
      return 1;
    }
    if (error instanceof InputFileError || error instanceof CrsError || error instanceof NothingToWriteError) {
      process.stderr.write(`error: ${error.message}\n`);
      if (error instanceof NothingToWriteError) process.stderr.write(issueLines(error.skipped).join('\n') + '\n');
      return 1;
    }
    throw error;
  }
}

function usage(message: string): number {
  process.stderr.write(`error: ${message}\nRun with --help for usage.\n`);
  return 2;
}

function groundOption(value: string | undefined): 'flat' | 'points' {
  if (value === undefined || value === 'flat' || value === 'points') return value ?? 'flat';
  throw new UsageError(`--ground is "flat" or "points", got "${value}"`);
}

function lonLatOption(value: string): [number, number] {
  const parts = value.split(',').map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite) || Math.abs(parts[0]!) > 180 || Math.abs(parts[1]!) > 90)
    throw new UsageError(`--origin takes <lon>,<lat> in degrees, got "${value}"`);
  return [parts[0]!, parts[1]!];
}

function fieldMappingFile(path: string): FieldMapping {
  try {
    return fieldMappingFromJson(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    throw new UsageError(`--fields ${path}: ${(error as Error).message}`);
  }
}

function printPipeSummary(report: PipeBuildReport): void {
  const lines = [
    ...featureSummaryLines(report.features),
    `network: ${report.network.nodes} nodes, ${report.network.edges} edges, ${report.network.valves} valves`,
    `tiles: ${report.tiles}, ${(report.bytes / 1e6).toFixed(2)} MB, ${report.seconds} s`,
    `categories (a tileset each): ${Object.entries(report.categories)
      .map(([code, c]) => `${code} ${c.features}`)
      .join(', ')}`,
  ];
  for (const [code, n] of Object.entries(report.topology.byCode)) lines.push(`  topology ${code}: ${n}`);
  const { found, conflicts, pairsChecked, failed } = report.clearance;
  if (failed !== undefined) lines.push(`clearance (GB 50289): NOT CHECKED: ${failed}`);
  else
    lines.push(
      `clearance (GB 50289, between separate pipelines): ${found} conflicts in ${pairsChecked} pairs checked${found > conflicts.length ? ` (${conflicts.length} listed in build-report.json)` : ''}`,
    );
  for (const c of report.clearance.conflicts.slice(0, 10))
    lines.push(`  ${c.type} ${c.a} (${c.categories[0]}) – ${c.b} (${c.categories[1]}): ${c.actual} m clear, ${c.required} m required`);
  if (report.services) {
    const s = report.services;
    lines.push(
      `services: ${s.fromTable + s.inferred} buildings connected — ${s.fromTable} from the table, ${s.inferred} inferred (${s.inferredSameStreet} to the main of their street, ${s.inferredNearest} to the nearest main within ${s.reachMetres} m); ${s.unserved} unserved`,
    );
    for (const [code, n] of Object.entries(s.byCode)) lines.push(`  ${code}: ${n}`);
  }
  if (report.facilities) {
    const f = report.facilities;
    lines.push(
      `critical facilities: ${f.critical} of ${f.read} places — ${f.named} in the building they name, ${f.nearestBuilding} in the nearest served building, ${f.nearestNode} at the nearest water point, ${f.unmatched.length} placed nowhere${f.unmatched.length ? ` (${f.unmatched.slice(0, 5).join(', ')}${f.unmatched.length > 5 ? ' …' : ''})` : ''}`,
    );
  }
  lines.push(...repairLines(report.repairs.byCode));
  lines.push(...issueLines(report.skipped));
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** --jobs, capped at the CPU count (said once on stderr); default: the CPU count, at most 8. */
function jobsOption(value: string | undefined): number {
  const requested = positiveInt(value, '--jobs');
  if (requested === undefined) return capJobs(8).jobs;
  const { jobs, capped } = capJobs(requested);
  if (capped) process.stderr.write(`note: --jobs ${requested} is more than the ${jobs} CPU cores here; using ${jobs}\n`);
  return jobs;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${value}"`);
  return n;
}

function printSummary(report: BuildReport): void {
  const lines = [...featureSummaryLines(report.features), `tiles: ${report.tiles}, ${(report.bytes / 1e6).toFixed(2)} MB, ${report.seconds} s`];
  for (const [code, n] of Object.entries(report.skippedByCode)) lines.push(`  skipped ${code}: ${n} features`);
  lines.push(...repairLines(report.repairs.byCode));
  lines.push(...issueLines(report.skipped));
  process.stdout.write(`${lines.join('\n')}\n`);
}

function issueLines(issues: readonly FeatureIssue[], limit = 10): string[] {
  const lines = issues.slice(0, limit).map((issue) => `  ${issue.file} ${issue.feature}: ${issue.code} ${issue.message}`);
  if (issues.length > limit) lines.push(`  … ${issues.length - limit} more in build-report.json`);
  return lines;
}
