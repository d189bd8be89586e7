import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Crs } from '../crs/Crs.js';
import { resolveCrs } from '../crs/resolveCrs.js';
import { normalizeBuilding } from '../buildings/normalizeBuilding.js';
import { BuildingFootprintsWriter } from '../buildings/BuildingFootprintsWriter.js';
import { BUILDING_FOOTPRINTS_FILE } from '../../../workers/formats/buildingFootprints.js';
import { AttributeSchema } from '../metadata/AttributeSchema.js';
import { annotateDefinitions } from '../metadata/annotateDefinitions.js';
import { metadataSchemaJson } from '../metadata/encodePropertyTable.js';
import { BUILDING_CLASS } from '../metadata/FeatureClass.js';
import { SearchIndex } from '../search/SearchIndex.js';
import { UniqueIds } from '../search/UniqueIds.js';
import { AtomicOutput } from '../output/AtomicOutput.js';
import { InputFileError } from '../readers/InputFileError.js';
import { openSource } from '../readers/openSource.js';
import type { BuildReport } from '../report/BuildReport.js';
import { emptyFeatureCounts } from '../report/FeatureCounts.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import { buildTileTree } from '../tiling/buildTileTree.js';
import type { TileNode } from '../tiling/TileNode.js';
import { type TileContentInfo, tilesetFromTree } from '../tileset/tilesetFromTree.js';
import type { BuildOptions } from './BuildOptions.js';
import { checkInputFiles } from './checkInputFiles.js';
import { recordTooLarge } from './recordTooLarge.js';
import { tileFailedMessage } from './tileFailedMessage.js';
import { withoutFailedTiles } from './withoutFailedTiles.js';
import { WorkerTaskError } from './WorkerTaskError.js';
import { RecordSpool } from './RecordSpool.js';
import { WorkerPool } from './WorkerPool.js';
import { runTileTask } from './runTileTask.js';
import type { TileTask, TileTaskResult } from './TileTask.js';

/** Thrown when nothing usable was read: the CLI exits 1. */
export class NothingToWriteError extends Error {
  override name = 'NothingToWriteError';
  constructor(
    message: string,
    readonly skipped: FeatureIssue[],
  ) {
    super(message);
  }
}

const LISTED_REPAIRS = 1000;
const GENERATOR = 'CIM Twin tiles-pipeline';

/**
 * The building pipeline: read every input (streamed), validate and repair features, spool them,
 * tile them, build tile contents (in parallel), write tileset.json and build-report.json into
 * a staging folder and swap it in. File-level input errors abort before anything is published.
 */
export async function buildBuildings(options: BuildOptions): Promise<BuildReport> {
  const started = performance.now();
  checkInputFiles(options.inputs);
  const output = new AtomicOutput(options.out, { force: options.force ?? false, inputs: options.inputs });
  const spool = new RecordSpool(join(output.staging, '.records.spool'), options.spoolMemoryBudget);
  const pool = new WorkerPool<TileTask, TileTaskResult>(
    options.jobs,
    { module: new URL('./runTileTask.ts', import.meta.url), exportName: 'runTileTask', run: runTileTask },
    { heapLimitMb: options.workerMemoryMb },
  );
  try {
    const report: BuildReport = {
      command: options.command,
      inputs: [],
      features: emptyFeatureCounts(),
      skipped: [],
      repairs: { byCode: {}, listed: [], truncated: false },
      skippedByCode: {},
      tiles: 0,
      bytes: 0,
      seconds: 0,
    };
    const schema = new AttributeSchema();
    const columns = {
      lon: [] as number[],
      lat: [] as number[],
      importance: [] as number[],
      weight: [] as number[],
      bbox: [] as number[],
      minH: [] as number[],
      maxH: [] as number[],
      /** Id and input (index into options.inputs) of each written building, to name it if its tile fails. */
      id: [] as string[],
      input: [] as number[],
    };
    const ids = new UniqueIds();
    const search = new SearchIndex(BUILDING_CLASS.id);
    const footprints = new BuildingFootprintsWriter();
    const skip = (issue: FeatureIssue): void => {
      report.skipped.push(issue);
      report.skippedByCode[issue.code] = (report.skippedByCode[issue.code] ?? 0) + 1;
    };
    const repaired = (issue: FeatureIssue): void => {
      report.repairs.byCode[issue.code] = (report.repairs.byCode[issue.code] ?? 0) + 1;
      if (report.repairs.listed.length < LISTED_REPAIRS) report.repairs.listed.push(issue);
      else report.repairs.truncated = true;
    };

    let sequence = 0;
    for (const [inputIndex, file] of options.inputs.entries()) {
      const source = await openSource(file, {
        idField: options.idField,
        lod: options.lod,
        maxNesting: options.maxNesting,
        maxFeatureBytes: options.maxFeatureBytes,
        encoding: options.encoding,
      });
      const crs = crsFor(file, source.format, options.crs ?? source.declaredCrs);
      const outerRingClockwise = source.format.startsWith('Shapefile');
      let count = 0;
      for await (const feature of source.features) {
        report.features.read++;
        count++;
        if (feature.kind === 'issue') {
          skip(feature.issue);
          continue;
        }
        if (feature.kind === 'geometry') {
          const name = feature.origin.id ?? `#${feature.origin.index}`;
          skip({
            file,
            feature: name,
            code: 'GEOMETRY_UNSUPPORTED',
            message: `a ${feature.geometryType} is not a building footprint (Polygon or MultiPolygon expected)`,
          });
          continue;
        }
        const result = normalizeBuilding(feature, { crs, options, outerRingClockwise, sequence });
        if (!result.ok) {
          skip(result.issue); // its repairs are moot: it is not written
          continue;
        }
        const tooLarge = recordTooLarge(result.record, file);
        if (tooLarge) {
          skip(tooLarge);
          continue;
        }
        let wasRepaired = result.repairs.length > 0;
        for (const r of result.repairs) repaired(r);
        const record = result.record;
        const id = ids.claim(record.id);
        if (id !== record.id) {
          repaired({
            file,
            feature: record.id,
            code: 'ID_DUPLICATE_RENAMED',
            message: `id "${record.id}" was used by an earlier feature of this run; this one is "${id}"`,
          });
          record.id = id;
          wasRepaired = true;
        }
        if (wasRepaired) report.features.repaired++;
        schema.observe(record.attributes);
        spool.append(record);
        sequence++;
        columns.lon.push((record.bbox[0] + record.bbox[2]) / 2);
        columns.lat.push((record.bbox[1] + record.bbox[3]) / 2);
        columns.importance.push(record.importance);
        columns.weight.push(record.vertexCount);
        columns.bbox.push(...record.bbox);
        columns.minH.push(record.base);
        columns.maxH.push(record.height);
        columns.id.push(record.id);
        columns.input.push(inputIndex);
        search.add(record.id, record.attributes, (record.bbox[0] + record.bbox[2]) / 2, (record.bbox[1] + record.bbox[3]) / 2, record.height);
        footprints.add(record);
        if (count % 1000 === 0) options.onProgress?.('read', report.features.read, undefined);
      }
      options.onProgress?.('read', report.features.read, undefined); // the file's last features too
      for (const warning of source.warnings ?? []) repaired(warning);
      report.inputs.push({ file, format: source.format, crs: crs.id, features: count });
    }
    spool.close();
    for (const field of schema.mixedFields()) {
      repaired({ file: '*', feature: '*', code: 'ATTRIBUTE_TYPE_MIXED', message: `field "${field}" holds values of several types; written as text` });
    }
    report.features.skipped = report.skipped.length;
    report.features.written = sequence;
    if (sequence === 0)
      throw new NothingToWriteError(
        `nothing usable was read: ${report.features.read} features, ${report.features.skipped} skipped (${
          Object.entries(report.skippedByCode)
            .map(([c, n]) => `${c} ×${n}`)
            .join(', ') || 'no features'
        })`,
        report.skipped,
      );

    const tree = buildTileTree(
      {
        lon: Float64Array.from(columns.lon),
        lat: Float64Array.from(columns.lat),
        importance: Float32Array.from(columns.importance),
        weight: Uint32Array.from(columns.weight),
        count: sequence,
      },
      options.tiling,
    );
    const definitions = annotateDefinitions(schema.definitions());
    const nodes: TileNode[] = [];
    const collect = (node: TileNode): void => {
      if (node.content.length > 0) nodes.push(node);
      node.children.forEach(collect);
    };
    collect(tree);
    mkdirSync(join(output.staging, 'tiles'), { recursive: true });
    const contents = new Map<string, TileContentInfo>();
    const failedTiles = new Set<string>();
    const failedFeatures = new Set<number>();
    let done = 0;
    await Promise.all(
      nodes.map(async (node) => {
        let west = Infinity,
          south = Infinity,
          east = -Infinity,
          north = -Infinity;
        for (const i of node.content) {
          west = Math.min(west, columns.bbox[i * 4]!);
          south = Math.min(south, columns.bbox[i * 4 + 1]!);
          east = Math.max(east, columns.bbox[i * 4 + 2]!);
          north = Math.max(north, columns.bbox[i * 4 + 3]!);
        }
        const task: TileTask = {
          path: node.path,
          ...(spool.inMemory
            ? { records: spool.records(node.content), spoolPath: '', offsets: [], lengths: [] }
            : { spoolPath: spool.path, offsets: node.content.map((i) => spool.offsets[i]!), lengths: node.content.map((i) => spool.lengths[i]!) }),
          centerLon: round7((west + east) / 2),
          centerLat: round7((south + north) / 2),
          definitions,
          compression: options.compression,
          outDir: output.staging,
        };
        let result: TileTaskResult;
        try {
          result = await pool.run(task);
        } catch (error) {
          if (!(error instanceof WorkerTaskError)) throw error;
          // One tile that cannot be built (out of its worker's memory, a throw) costs its own features, not the run.
          failedTiles.add(node.path);
          const message = tileFailedMessage(node.path, node.content.length, error);
          for (const i of node.content) {
            failedFeatures.add(i);
            skip({ file: options.inputs[columns.input[i]!]!, feature: columns.id[i]!, code: 'TILE_FAILED', message });
          }
          options.onProgress?.('tiles', ++done, nodes.length);
          return;
        }
        contents.set(node.path, {
          bbox: [west, south, east, north],
          minHeight: result.minHeight,
          maxHeight: result.maxHeight,
          centerLon: task.centerLon,
          centerLat: task.centerLat,
          uri: result.uri,
        });
        report.bytes += result.bytes;
        report.tiles++;
        options.onProgress?.('tiles', ++done, nodes.length);
      }),
    );
    report.features.written -= failedFeatures.size;
    report.features.skipped = report.skipped.length;
    const published = withoutFailedTiles(tree, failedTiles);
    if (!published) throw new NothingToWriteError(`no tile could be built (${failedTiles.size} tiles failed)`, report.skipped);
    const tileset = tilesetFromTree(published, contents, GENERATOR, metadataSchemaJson(definitions, BUILDING_CLASS));
    const tilesetJson = JSON.stringify(tileset);
    writeFileSync(join(output.staging, 'tileset.json'), tilesetJson);
    const searchJson = search.toJson(failedFeatures);
    writeFileSync(join(output.staging, 'search-index.json'), searchJson);
    // The planner's building tools read the footprints, not the tiles' geometry (workers/formats/buildingFootprints.ts).
    const footprintsJson = footprints.toJson(failedFeatures);
    writeFileSync(join(output.staging, BUILDING_FOOTPRINTS_FILE), footprintsJson);
    report.bytes += Buffer.byteLength(tilesetJson) + Buffer.byteLength(searchJson) + Buffer.byteLength(footprintsJson);
    report.seconds = Math.round((performance.now() - started) / 10) / 100;
    writeFileSync(join(output.staging, 'build-report.json'), JSON.stringify(report, null, 2));
    rmSync(spool.path, { force: true });
    output.commit();
    return report;
  } catch (error) {
    output.abandon();
    throw error;
  } finally {
    await pool.close();
  }
}

function crsFor(file: string, format: string, spec: string | undefined): Crs {
  if (spec === undefined) {
    // RFC 7946: GeoJSON without a "crs" member is WGS84 lon/lat. Other formats must say.
    if (format.startsWith('GeoJSON')) return resolveCrs('CRS84');
    const hint = format.startsWith('Shapefile') ? 'the .prj file is missing' : 'no metadata.referenceSystem';
    throw new InputFileError(file, `${format} without a CRS (${hint}); pass --crs, e.g. --crs EPSG:4548 (CGCS2000 GK CM 117E) or --crs EPSG:7415`);
  }
  try {
    return resolveCrs(spec);
  } catch (error) {
    throw new InputFileError(file, (error as Error).message);
  }
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}
