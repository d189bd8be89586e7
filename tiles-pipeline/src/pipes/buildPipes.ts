import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Crs } from '../crs/Crs.js';
import { resolveCrs } from '../crs/resolveCrs.js';
import { AttributeSchema } from '../metadata/AttributeSchema.js';
import { annotateDefinitions } from '../metadata/annotateDefinitions.js';
import { metadataSchemaJson } from '../metadata/encodePropertyTable.js';
import { PIPE_CLASS } from '../metadata/FeatureClass.js';
import type { FieldMapping } from './pipeFields.js';
import { gasPressureClassOf } from '../../../workers/standards/gb50028GasPressure.js';
import { SearchIndex } from '../search/SearchIndex.js';
import type { PipeItem } from './PipeItem.js';
import { NETWORK_FORMAT, NETWORK_VERSION, type NetworkDocument } from '../../../workers/formats/networkDocument.js';
import { AtomicOutput } from '../output/AtomicOutput.js';
import { InputFileError } from '../readers/InputFileError.js';
import { openSource } from '../readers/openSource.js';
import { emptyFeatureCounts, type FeatureCounts } from '../report/FeatureCounts.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import { buildTileTree, DEFAULT_TILING } from '../tiling/buildTileTree.js';
import type { TileNode } from '../tiling/TileNode.js';
import type { Tile, Tileset } from '../tileset/Tileset.js';
import { SENSITIVE_PIPE_FIELDS } from '../../../workers/formats/dataAccess.js';
import {
  categoryFiles,
  PIPE_ATTRIBUTES_FORMAT,
  PIPE_CATEGORIES_FILE,
  PIPE_CATEGORIES_FORMAT,
  type PipeAttributesDocument,
  type PipeCategoriesDocument,
} from '../../../workers/formats/pipeLayout.js';
import type { AttributeValue } from '../readers/SourceFeature.js';
import { type TileContentInfo, tilesetFromTree } from '../tileset/tilesetFromTree.js';
import { NothingToWriteError } from '../build/buildBuildings.js';
import { buildPipeNetwork, type PipeNetwork } from './buildPipeNetwork.js';
import { type ClearanceReport, clearanceInputOf } from './checkClearances.js';
import type { PipeTileResult, PipeTileTask } from './runPipeTileTask.js';
import { type PipeWorkerResult, type PipeWorkerTask, pipeWorkerTaskTransfer, runPipeWorkerTask } from './pipeWorkerTasks.js';
import { appendPipeRead, emptyPipeRead, readPipeFeatures, repairsOnly } from './readPipeFeatures.js';
import { uniquePipeIds } from './uniquePipeIds.js';
import { decodeText } from '../readers/decodeText.js';
import { packPipeTile } from './buildPipeTileContent.js';
import { encodePropertyColumns } from '../metadata/encodePropertyTable.js';
import { WorkerPool } from '../build/WorkerPool.js';
import { checkInputFiles } from '../build/checkInputFiles.js';
import { tileFailedMessage } from '../build/tileFailedMessage.js';
import { withoutFailedTiles } from '../build/withoutFailedTiles.js';
import { WorkerTaskError } from '../build/WorkerTaskError.js';
import { GB50289_SOURCE } from '../../../workers/standards/gb50289Clearances.js';
import { CJJ61_CATEGORIES, type PipeCategory, pipeCategoryOf } from '../../../workers/standards/cjj61Categories.js';
import { epanetToPipes } from './epanetToPipes.js';
import { parseEpanet } from './parseEpanet.js';
import type { PipeBuildOptions } from './PipeBuildOptions.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';
import { pipeItemsFrom } from './pipeItemsFrom.js';
import { segmentCentreDepths, verticalHalfSize } from './segmentCentreDepths.js';
import { buildServiceConnections, DEFAULT_SERVICE_REACH, type WaterMain } from './buildServiceConnections.js';
import { matchCriticalFacilities } from './matchCriticalFacilities.js';
import { readBuildingIndex } from './readBuildingIndex.js';
import { type PlaceRow, placeValue, readPlaceTable } from './readPlaceTable.js';
import type { FacilityReport, ServiceReport } from './ServiceConnections.js';
import type { NetworkFacilities, NetworkServices } from '../../../workers/formats/networkDocument.js';

export interface PipeBuildReport {
  command: string;
  inputs: { file: string; format: string; crs: string; features: number }[];
  features: FeatureCounts;
  skipped: FeatureIssue[];
  /** Repairs of written features: how many features got each code (a feature can get several), and the first ones in full. */
  repairs: { byCode: Record<string, number>; listed: FeatureIssue[] };
  network: { nodes: number; edges: number; valves: number };
  /** Topology findings by code, and the first 1000 in full (all of them are in network terms in the counts). */
  topology: { byCode: Record<string, number>; issues: PipeNetwork['issues']; truncated: boolean };
  /** Per category: segments, and how many lack each CJJ 61 §3.0.2 field. */
  completeness: Record<string, { segments: number; missing: Record<string, number> }>;
  /** GB 50289 clearance conflicts between pipes (the table's source and status in `source`). */
  clearance: ClearanceReport;
  /** Service connections (--services, --buildings): from the table, inferred, unserved. */
  services?: ServiceReport;
  /** Critical facilities (--facilities): how each was placed. */
  facilities?: FacilityReport;
  /** Per CJJ 61 category written (its own tileset, `<code>/tileset.json`): features and tiles. */
  categories: Record<string, { features: number; tiles: number }>;
  tiles: number;
  bytes: number;
  seconds: number;
  /** Seconds per phase of this thread (read, network, features, tiling…; clearance: waiting for the worker's check), for profiling. */
  phases: Record<string, number>;
}

/**
 * The pipe pipeline: read survey tables (GeoJSON, Shapefile) and EPANET models, validate them
 * against CJJ 61, build the network graph and its topology report, draw pipes, wells and
 * appurtenances, tile them like buildings (ADD refinement, trunk mains first) in a tileset per
 * CJJ 61 category under a root that references them, and write the tilesets, network.json and
 * build-report.json atomically (layout: workers/formats/pipeLayout.ts).
 */
export async function buildPipes(options: PipeBuildOptions): Promise<PipeBuildReport> {
  const started = performance.now();
  checkInputFiles(options.inputs);
  const sideInputs = [options.services, options.serviceBuildings, options.facilities].filter((f): f is string => f !== undefined);
  const output = new AtomicOutput(options.out, { force: options.force ?? false, inputs: [...options.inputs, ...sideInputs] });
  // Started first, so the worker threads load while the inputs are read.
  const pool = new WorkerPool<PipeWorkerTask, PipeWorkerResult>(
    options.jobs,
    { module: new URL('./pipeWorkerTasks.ts', import.meta.url), exportName: 'runPipeWorkerTask', run: runPipeWorkerTask, transfer: pipeWorkerTaskTransfer },
    { dispatch: 'eager', heapLimitMb: options.workerMemoryMb },
  );
  try {
    const report: PipeBuildReport = {
      command: options.command,
      inputs: [],
      features: emptyFeatureCounts(),
      skipped: [],
      repairs: { byCode: {}, listed: [] },
      network: { nodes: 0, edges: 0, valves: 0 },
      topology: { byCode: {}, issues: [], truncated: false },
      completeness: {},
      clearance: { source: '', pairsChecked: 0, conflicts: [], found: 0 },
      categories: {},
      tiles: 0,
      bytes: 0,
      seconds: 0,
      phases: {},
    };
    const read = emptyPipeRead();
    const progress = (n: number): void => options.onProgress?.('read', read.read + n, undefined);
    for (const file of options.inputs) {
      if (file.toLowerCase().endsWith('.inp')) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch (error) {
          throw new InputFileError(file, `cannot read: ${(error as Error).message}`);
        }
        const network = parseEpanet(decodeText(bytes, file, options.encoding).text, file);
        if (!options.crs && !options.origin)
          throw new InputFileError(file, 'EPANET coordinates have no CRS: pass --crs for real coordinates or --origin <lon>,<lat> for schematic ones');
        const placement = options.origin ? { origin: options.origin } : { crs: crsOf(file, options.crs!) };
        const converted = epanetToPipes(network, file, placement, options.cover);
        // Records: nodes, links, and the lines left out with an issue.
        const records = network.nodes.length + network.links.length + network.issues.length;
        appendPipeRead(read, {
          ...emptyPipeRead(),
          read: records,
          written: converted.written,
          derived: converted.derived,
          segments: converted.segments,
          points: converted.points,
          skipped: converted.issues,
        });
        progress(0);
        report.inputs.push({
          file,
          format: `EPANET (${network.units}, ${network.flowUnits})`,
          crs: options.origin ? `local frame at ${options.origin.join(',')}` : options.crs!,
          features: records,
        });
        continue;
      }
      const source = await openSource(file, {
        idField: undefined,
        lod: undefined,
        maxNesting: options.maxNesting,
        maxFeatureBytes: options.maxFeatureBytes,
        encoding: options.encoding,
      });
      const crsSpec = options.crs ?? source.declaredCrs ?? (source.format.startsWith('GeoJSON') ? 'CRS84' : undefined);
      if (!crsSpec) throw new InputFileError(file, `${source.format} without a CRS; pass --crs, e.g. --crs EPSG:4548`);
      const crs = crsOf(file, crsSpec);
      const layer = options.category ? { category: pipeCategoryOf(options.category), subType: subTypeOf(options.category) } : layerOfFileName(file);
      const part = await readPipeFeatures(
        file,
        source.features,
        { crs, mapping: options.mapping, layerCategory: layer.category, layerSubType: layer.subType },
        progress,
      );
      appendPipeRead(read, part);
      appendPipeRead(read, repairsOnly(source.warnings ?? [], 0));
      report.inputs.push({ file, format: source.format, crs: crs.id, features: part.read });
    }
    // The service-connection table, the buildings and the points of interest: read before the heavy work, so a bad file fails fast.
    const tableOptions = { crs: options.crs, encoding: options.encoding, maxNesting: options.maxNesting, maxFeatureBytes: options.maxFeatureBytes };
    const serviceTable =
      options.services !== undefined ? { file: options.services, rows: (await readPlaceTable(options.services, tableOptions)).rows } : undefined;
    const serviceBuildings = options.serviceBuildings !== undefined ? readBuildingIndex(options.serviceBuildings) : undefined;
    const facilityRows: PlaceRow[] | undefined = options.facilities !== undefined ? (await readPlaceTable(options.facilities, tableOptions)).rows : undefined;
    // One id per feature across all inputs: the tiles, network.json and the search index share them.
    const renamed = uniquePipeIds(read.segments, read.points);
    appendPipeRead(read, repairsOnly(renamed, renamed.length));
    const { segments, points } = read;
    report.features.read = read.read;
    report.features.written = read.written;
    report.features.derived = read.derived;
    report.skipped = read.skipped;
    report.features.repaired = read.repaired;
    report.repairs = { byCode: read.repairsByCode, listed: read.repairsListed };
    report.features.skipped = report.skipped.length;
    if (segments.length + points.length === 0)
      throw new NothingToWriteError(`nothing usable was read: ${report.features.read} features, ${report.features.skipped} skipped`, report.skipped);

    let phaseStart = performance.now();
    const phase = (name: string): void => {
      const now = performance.now();
      report.phases[name] = Math.round(now - phaseStart) / 1000;
      phaseStart = now;
    };
    report.phases['read'] = Math.round(phaseStart - started) / 1000;
    const network = buildPipeNetwork(segments, points);
    phase('network');
    let services: NetworkServices | undefined;
    let facilities: NetworkFacilities | undefined;
    if (serviceTable || serviceBuildings) {
      const built = buildServiceConnections({
        table: serviceTable,
        buildings: serviceBuildings,
        nodes: network.nodes,
        edgeIds: network.edges.map((e) => e.id),
        mains: waterMains(network, segments, options.mapping.candidates.road),
        reachMetres: options.serviceReach ?? DEFAULT_SERVICE_REACH,
      });
      services = built.services;
      report.services = built.report;
    }
    if (facilityRows && options.facilities !== undefined) {
      const matched = matchCriticalFacilities(options.facilities, facilityRows, services ?? emptyServices(), network.nodes);
      facilities = matched.facilities;
      report.facilities = matched.report;
    }
    phase('services');
    // The clearance check needs the segments and their networks (pipes of one network are one
    // pipeline): a worker runs it while this thread goes on.
    // Weight: about a tenth of a segment's tile work (~40 vertices), per segment.
    const centreDepths = segments.map(segmentCentreDepths);
    // Tasks are made by a function the pool calls again if a task is lost with a worker that died running another.
    const clearanceTask = (): PipeWorkerTask => ({ kind: 'clearance', clearance: clearanceInputOf(segments, network, centreDepths) });
    const clearance = pool.run(clearanceTask(), segments.length * 4, clearanceTask) as Promise<ClearanceReport>;
    clearance.catch(() => {}); // awaited below; this only keeps an early throw from leaving it unhandled
    phase('clearance input');
    for (const issue of network.issues) report.topology.byCode[issue.code] = (report.topology.byCode[issue.code] ?? 0) + 1;
    report.topology.issues = network.issues.slice(0, 1000);
    report.topology.truncated = network.issues.length > 1000;
    for (const segment of segments) {
      const entry = (report.completeness[segment.category] ??= { segments: 0, missing: {} });
      entry.segments++;
      for (const field of segment.missing) entry.missing[field] = (entry.missing[field] ?? 0) + 1;
    }

    const items = pipeItemsFrom(segments, points, network, options.ground, centreDepths);
    // Owner contacts stay out of the tiles and the search index (cached, shared): they go to the
    // category's attributes.json, which the server serves per role (workers/formats/pipeLayout.ts).
    const sideAttributes = withoutSensitiveAttributes(items);
    // Read before the paths travel to the tile workers (transferred, not copied).
    const edgeHeights = centreLineEndHeights(items, network, centreDepths);
    phase('features');
    // One schema for every category: a column has one type whichever category's tile holds it.
    const schema = new AttributeSchema([{ id: 'id', sourceName: 'id', type: 'STRING', optional: false }]);
    for (const item of items) schema.observe(item.attributes, item.values);
    const definitions = annotateDefinitions(schema.definitions(), builtInColumns(options.mapping));
    const idColumn = definitions.findIndex((d) => d.id === 'id');
    // A tileset per CJJ 61 category, so the server can refuse one category's files without
    // touching its neighbours; pipe points (wells, valves, hydrants) go with their category.
    const groups = itemsByCategory(items);
    const failedTiles = new Set<string>();
    const failedItems = new Set<number>();
    const fileOfItem = (id: string): string => (itemFiles ??= inputFileById(segments, points)).get(id) ?? '*';
    let itemFiles: Map<string, string> | undefined;
    const categories = groups.map(({ code, indices }) => {
      const dir = join(output.staging, code);
      mkdirSync(join(dir, 'tiles'), { recursive: true });
      const tree = buildTileTree(
        {
          lon: Float64Array.from(indices, (i) => (items[i]!.bbox[0] + items[i]!.bbox[2]) / 2),
          lat: Float64Array.from(indices, (i) => (items[i]!.bbox[1] + items[i]!.bbox[3]) / 2),
          importance: Float32Array.from(indices, (i) => items[i]!.importance),
          weight: Uint32Array.from(indices, (i) => items[i]!.vertexCount),
          count: indices.length,
        },
        { ...DEFAULT_TILING, maxFeatures: options.maxFeatures },
      );
      const nodes: TileNode[] = [];
      const collect = (node: TileNode): void => {
        if (node.content.length > 0) nodes.push(node);
        node.children.forEach(collect);
      };
      collect(tree);
      return { code, indices, dir, tree, nodes, contents: new Map<string, TileContentInfo>(), tiles: 0, failed: new Set<string>() };
    });
    phase('tiling');
    const tileCount = categories.reduce((n, c) => n + c.nodes.length, 0);
    // Every tile is packed here (typed arrays, its property table encoded) and handed to the
    // workers at once; while they sweep and compress, this thread writes the network and search
    // documents.
    const built = categories.flatMap((category) =>
      category.nodes.map((node) => {
        const itemIndices = node.content.map((i) => category.indices[i]!);
        const tileItems = itemIndices.map((i) => items[i]!);
        const bbox: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
        let minHeight = Infinity;
        let maxHeight = -Infinity;
        let weight = 0;
        for (const item of tileItems) {
          bbox[0] = Math.min(bbox[0], item.bbox[0]);
          bbox[1] = Math.min(bbox[1], item.bbox[1]);
          bbox[2] = Math.max(bbox[2], item.bbox[2]);
          bbox[3] = Math.max(bbox[3], item.bbox[3]);
          minHeight = Math.min(minHeight, -item.maxDepth);
          maxHeight = Math.max(maxHeight, -item.minDepth);
          weight += item.vertexCount;
        }
        const centerLon = Math.round(((bbox[0] + bbox[2]) / 2) * 1e7) / 1e7;
        const centerLat = Math.round(((bbox[1] + bbox[3]) / 2) * 1e7) / 1e7;
        const tileTask = (): PipeWorkerTask => ({ kind: 'tile', tile: packTile() });
        const packTile = (): PipeTileTask => ({
          path: node.path,
          geometry: packPipeTile(tileItems),
          table: encodePropertyColumns(definitions, tileItems.length, (row, column) => {
            const item = tileItems[row]!;
            const name = definitions[column]!.sourceName;
            return column === idColumn ? item.id : (item.values[name] ?? item.attributes[name] ?? null);
          }),
          centerLon,
          centerLat,
          definitions,
          compression: options.compression,
          outDir: category.dir,
        });
        return (pool.run(tileTask(), weight, tileTask) as Promise<PipeTileResult>).then(
          (result) => {
            category.contents.set(node.path, { bbox, minHeight, maxHeight, centerLon, centerLat, uri: result.uri });
            category.tiles++;
            report.tiles++;
            report.bytes += result.bytes;
            options.onProgress?.('tiles', report.tiles + failedTiles.size, tileCount);
          },
          (error: unknown) => {
            if (!(error instanceof WorkerTaskError)) throw error;
            // One tile that cannot be built (out of its worker's memory, a throw) costs its own features, not the run.
            failedTiles.add(`${category.code}/${node.path}`);
            category.failed.add(node.path);
            const message = tileFailedMessage(`${category.code}/${node.path || 'root'}`, node.content.length, error);
            for (const i of itemIndices) {
              failedItems.add(i);
              report.skipped.push({ file: fileOfItem(items[i]!.id), feature: items[i]!.id, code: 'TILE_FAILED', message });
            }
            options.onProgress?.('tiles', report.tiles + failedTiles.size, tileCount);
          },
        );
      }),
    );
    const allBuilt = Promise.all(built);
    allBuilt.catch(() => {}); // awaited below; this only keeps an early throw from leaving it unhandled
    phase('dispatch');
    const networkJson = JSON.stringify({
      ...networkDocument(network, segments, points, edgeHeights, centreDepths, options.mapping.candidates),
      ...(services ? { services } : {}),
      ...(facilities ? { facilities } : {}),
    });
    phase('documents');
    try {
      report.clearance = await clearance;
    } catch (error) {
      // The check is an analysis beside the tiles: when it cannot finish, the tiles are still
      // right, and the report says it was not done (never "0 conflicts").
      if (!(error instanceof WorkerTaskError)) throw error;
      report.clearance = { source: GB50289_SOURCE, pairsChecked: 0, conflicts: [], found: 0, failed: `the clearance check could not finish: ${error.message}` };
    }
    phase('clearance');
    await allBuilt;
    phase('tiles');
    report.features.written -= failedItems.size;
    report.features.skipped = report.skipped.length;
    const schemaJson = metadataSchemaJson(definitions, PIPE_CLASS);
    const written: { code: string; tileset: Tileset; features: number; tiles: number }[] = [];
    for (const category of categories) {
      const published = withoutFailedTiles(category.tree, category.failed);
      const kept = category.indices.filter((i) => !failedItems.has(i));
      if (!published || kept.length === 0) {
        rmSync(category.dir, { recursive: true, force: true });
        continue;
      }
      const tileset = tilesetFromTree(published, category.contents, 'CIM Twin tiles-pipeline (pipes)', schemaJson);
      const files = categoryFiles(category.code);
      const tilesetJson = JSON.stringify(tileset);
      const searchJson = pipeSearchIndex(kept.map((i) => items[i]!)).toJson();
      const attributesJson = JSON.stringify(pipeAttributesDocument(category.code, kept, items, sideAttributes));
      writeFileSync(join(output.staging, files.tileset), tilesetJson);
      writeFileSync(join(output.staging, files.searchIndex), searchJson);
      writeFileSync(join(output.staging, files.attributes), attributesJson);
      report.bytes += Buffer.byteLength(tilesetJson) + Buffer.byteLength(searchJson);
      report.categories[category.code] = { features: kept.length, tiles: category.tiles };
      written.push({ code: category.code, tileset, features: kept.length, tiles: category.tiles });
    }
    if (written.length === 0) throw new NothingToWriteError(`no tile could be built (${failedTiles.size} tiles failed)`, report.skipped);
    const rootJson = JSON.stringify(categoriesRootTileset(written, schemaJson));
    const manifest: PipeCategoriesDocument = {
      format: PIPE_CATEGORIES_FORMAT,
      version: 1,
      categories: written.map(({ code, features, tiles }) => ({ code, features, tiles })),
    };
    writeFileSync(join(output.staging, 'tileset.json'), rootJson);
    writeFileSync(join(output.staging, PIPE_CATEGORIES_FILE), JSON.stringify(manifest));
    writeFileSync(join(output.staging, 'network.json'), networkJson);
    report.bytes += Buffer.byteLength(rootJson) + Buffer.byteLength(networkJson);
    report.network = {
      nodes: network.nodes.length,
      edges: network.edges.length,
      valves: network.edges.filter((e) => segments[e.segment]!.attributes['epanetType'] === 'valve').length + points.filter(isSurveyedValve).length,
    };
    report.seconds = Math.round((performance.now() - started) / 10) / 100;
    writeFileSync(join(output.staging, 'build-report.json'), JSON.stringify(report, null, 2));
    output.commit();
    return report;
  } catch (error) {
    output.abandon();
    throw error;
  } finally {
    await pool.close();
  }
}

/**
 * Takes the sensitive fields (owner contacts) out of the items' attributes, which the tiles and
 * the search index are made from; returns each item's full input attributes for the side file.
 * Items share their attribute objects with the features they came from: a copy is made only
 * where a sensitive field is present.
 */
function withoutSensitiveAttributes(items: PipeItem[]): Record<string, AttributeValue>[] {
  return items.map((item) => {
    const full = item.attributes;
    if (!SENSITIVE_PIPE_FIELDS.some((field) => field in full)) return full;
    const kept: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(full)) if (!SENSITIVE_PIPE_FIELDS.includes(key)) kept[key] = value;
    item.attributes = kept;
    return full;
  });
}

/** Item positions per CJJ 61 category, in the standard's order; a code no table knows goes with 其他 (QT). */
function itemsByCategory(items: readonly PipeItem[]): { code: string; indices: number[] }[] {
  const byCode = new Map<string, number[]>();
  items.forEach((item, i) => {
    const code = pipeCategoryOf(item.category)?.code ?? 'QT';
    let list = byCode.get(code);
    if (!list) byCode.set(code, (list = []));
    list.push(i);
  });
  return CJJ61_CATEGORIES.flatMap((c) => (byCode.has(c.code) ? [{ code: c.code, indices: byCode.get(c.code)! }] : []));
}

/** A category's attributes.json: every feature's input attributes once (a multi-part feature's further parts share its id). */
function pipeAttributesDocument(
  code: string,
  indices: readonly number[],
  items: readonly PipeItem[],
  attributes: readonly Record<string, AttributeValue>[],
): PipeAttributesDocument {
  const fields = new Map<string, number>();
  const rows: { id: string; record: Record<string, AttributeValue> }[] = [];
  const seen = new Set<string>();
  for (const i of indices) {
    const id = items[i]!.id;
    if (seen.has(id)) continue;
    seen.add(id);
    const record = attributes[i]!;
    for (const key of Object.keys(record)) if (!fields.has(key)) fields.set(key, fields.size);
    rows.push({ id, record });
  }
  const names = [...fields.keys()];
  return {
    format: PIPE_ATTRIBUTES_FORMAT,
    version: 1,
    category: code,
    fields: names,
    ids: rows.map((r) => r.id),
    values: rows.map((r) => names.map((name) => jsonValue(r.record[name]))),
  };
}

function jsonValue(value: AttributeValue | undefined): AttributeValue {
  return value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? null : value;
}

/**
 * The root tileset.json: no geometry, one child per category whose content is that category's
 * tileset (an external tileset, 3D Tiles 1.1 §Tileset JSON › External tilesets). The server
 * hands each role a root listing only the categories it may see.
 */
function categoriesRootTileset(categories: readonly { code: string; tileset: Tileset }[], schema: object): Tileset {
  const children: Tile[] = categories.map(({ code, tileset }) => ({
    boundingVolume: tileset.root.boundingVolume,
    geometricError: tileset.geometricError,
    content: { uri: categoryFiles(code).tileset },
  }));
  const regions = children.map((c) => c.boundingVolume.region!);
  const region = [0, 1, 2, 3, 4, 5].map((k) =>
    k === 0 || k === 1 || k === 4 ? Math.min(...regions.map((r) => r[k]!)) : Math.max(...regions.map((r) => r[k]!)),
  );
  const geometricError = Math.max(...categories.map((c) => c.tileset.geometricError));
  return {
    asset: { version: '1.1', generator: 'CIM Twin tiles-pipeline (pipes)' },
    schema,
    geometricError,
    root: { boundingVolume: { region }, geometricError, refine: 'ADD', children },
  };
}

/** Pipes are found by id, by what they are (燃气 DN300, gas DN300, 阀门…) and by road name. */
function pipeSearchIndex(items: readonly PipeItem[]): SearchIndex {
  const search = new SearchIndex(PIPE_CLASS.id);
  for (const item of items) {
    const v = item.values;
    const detail = v['subType'] ?? v['appurtenance'] ?? v['feature'] ?? (item.kind === 'segment' ? '' : item.kind);
    const category = CJJ61_CATEGORIES.find((c) => c.code === v['category']);
    // Sizes as pipe people write them: DN in millimetres, a box section as width×height in millimetres.
    const mm = (metres: unknown): number => Math.round(Number(metres) * 1000);
    const size =
      typeof v['diameter'] === 'number' ? `DN${mm(v['diameter'])}` : typeof v['width'] === 'number' ? `${mm(v['width'])}×${mm(v['sectionHeight'])}` : '';
    const join = (...parts: unknown[]): string => parts.filter((part) => typeof part === 'string' && part !== '').join(' ');
    search.add(item.id, item.attributes, (item.bbox[0] + item.bbox[2]) / 2, (item.bbox[1] + item.bbox[3]) / 2, -(item.minDepth + item.maxDepth) / 2, {
      name: join(v['categoryName'], detail, size),
      nameEn: join(category?.nameEn, item.kind === 'segment' ? '' : item.kind, size),
    });
  }
  return search;
}

/**
 * Height of each edge's centre line at its two ends (m), and the ground there: pipeItemsFrom makes
 * one item per edge first, in edge order, its path at the centre depth less the ground's height.
 */
function centreLineEndHeights(
  items: readonly PipeItem[],
  network: PipeNetwork,
  centreDepths: readonly Float64Array[],
): { from: number[]; to: number[]; groundFrom: number[]; groundTo: number[] } {
  const heights = { from: [] as number[], to: [] as number[], groundFrom: [] as number[], groundTo: [] as number[] };
  network.edges.forEach((edge, e) => {
    const path = items[e]!.solids[0]!.path;
    const depths = centreDepths[edge.segment]!;
    heights.from.push(-Math.round(path[2]! * 100) / 100 || 0);
    heights.to.push(-Math.round(path[path.length - 1]! * 100) / 100 || 0);
    heights.groundFrom.push(Math.round((depths[0]! - path[2]!) * 1000) / 1000 || 0);
    heights.groundTo.push(Math.round((depths[depths.length - 1]! - path[path.length - 1]!) * 1000) / 1000 || 0);
  });
  return heights;
}

/** network.json: columnar, ids shared with the tiles' `id` property (workers/formats/networkDocument.ts). */
function networkDocument(
  network: PipeNetwork,
  segments: readonly PipeSegment[],
  points: readonly PipePoint[],
  heights: ReturnType<typeof centreLineEndHeights>,
  centreDepths: readonly Float64Array[],
  columns: FieldMapping['candidates'],
): NetworkDocument {
  // Gas pipes' pressure class (GB 50028) from the survey's 压力 column: written only when some pipe has one.
  const gasPressure = network.edges.map((e) => {
    const segment = segments[e.segment]!;
    return segment.category === 'RQ' ? gasPressureClassOf(placeValue(segment.attributes, columns.pressure)) : null;
  });
  const millimetres = (metres: number): number => Math.round(metres * 1000) / 1000 || 0;
  // Crown and invert: the centre line's depth (the surveyed depth moved from its reference) ∓ half the section's height.
  const faceDepth = (face: -1 | 1, end: 'from' | 'to') =>
    network.edges.map((e) => {
      const depths = centreDepths[e.segment]!;
      return millimetres(depths[end === 'from' ? 0 : depths.length - 1]! + face * verticalHalfSize(segments[e.segment]!));
    });
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    crs: 'EPSG:4326',
    categories: Object.fromEntries(CJJ61_CATEGORIES.map((c) => [c.code, { name: c.nameZh, nameEn: c.nameEn, rgb: c.rgb }])),
    nodes: {
      id: network.nodes.map((n) => n.id),
      lon: network.nodes.map((n) => Math.round(n.lon * 1e8) / 1e8),
      lat: network.nodes.map((n) => Math.round(n.lat * 1e8) / 1e8),
      category: network.nodes.map((n) => n.category),
      feature: network.nodes.map((n) => (n.point !== undefined ? points[n.point]!.id : null)),
      kind: network.nodes.map((n) => (n.point !== undefined ? (points[n.point]!.appurtenance ?? points[n.point]!.feature ?? null) : null)),
    },
    edges: {
      id: network.edges.map((e) => e.id),
      from: network.edges.map((e) => e.from),
      to: network.edges.map((e) => e.to),
      length: network.edges.map((e) => e.length),
      diameter: network.edges.map((e) => segments[e.segment]!.diameter ?? null),
      category: network.edges.map((e) => segments[e.segment]!.category),
      type: network.edges.map((e) => String(segments[e.segment]!.attributes['epanetType'] ?? 'pipe')),
      heightFrom: heights.from,
      heightTo: heights.to,
      depthTopFrom: faceDepth(-1, 'from'),
      depthTopTo: faceDepth(-1, 'to'),
      depthBottomFrom: faceDepth(1, 'from'),
      depthBottomTo: faceDepth(1, 'to'),
      groundFrom: heights.groundFrom,
      groundTo: heights.groundTo,
      width: network.edges.map((e) => segments[e.segment]!.width ?? null),
      height: network.edges.map((e) => segments[e.segment]!.height ?? null),
      material: network.edges.map((e) => segments[e.segment]!.material ?? null),
      owner: network.edges.map((e) => placeValue(segments[e.segment]!.attributes, columns.owner) ?? null),
      ...(gasPressure.some((pressure) => pressure !== null) ? { gasPressure } : {}),
      bends: network.edges.map((e) => {
        const line = segments[e.segment]!.lonLat;
        return line.length > 4 ? Array.from(line.subarray(2, line.length - 2), (degrees) => Math.round(degrees * 1e8) / 1e8) : null;
      }),
    },
    valves: [
      ...network.nodes.flatMap((n, i) => (n.point !== undefined && isSurveyedValve(points[n.point]!) ? [{ id: n.id, node: i }] : [])),
      ...network.edges.flatMap((e, i) => (segments[e.segment]!.attributes['epanetType'] === 'valve' ? [{ id: e.id, edge: i }] : [])),
    ],
  };
}

/** The water network's pipes (not its valve or pump links), with the street each lies under. */
function waterMains(network: PipeNetwork, segments: readonly PipeSegment[], roadColumns: readonly string[]): WaterMain[] {
  return network.edges.flatMap((edge, e) => {
    const segment = segments[edge.segment]!;
    const type = segment.attributes['epanetType'];
    if (segment.category !== 'JS' || (type !== undefined && type !== 'pipe')) return [];
    return [{ edge: e, from: edge.from, to: edge.to, lonLat: segment.lonLat, street: placeValue(segment.attributes, roadColumns) }];
  });
}

function emptyServices(): NetworkServices {
  return { building: [], node: [], edge: [], how: [], lon: [], lat: [], length: [] };
}

/** The input file of each segment and point, by id (to name the file of a feature whose tile failed). */
function inputFileById(segments: readonly PipeSegment[], points: readonly PipePoint[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const feature of [...segments, ...points]) if (!files.has(feature.id)) files.set(feature.id, feature.origin.file);
  return files;
}

/** A valve point of a survey (阀门…); an EPANET valve is its link, its symbol point is no second valve. */
function isSurveyedValve(point: PipePoint): boolean {
  return /阀/.test(point.appurtenance ?? '') && point.attributes['epanetType'] === undefined;
}

function crsOf(file: string, spec: string): Crs {
  try {
    return resolveCrs(spec);
  } catch (error) {
    throw new InputFileError(file, (error as Error).message);
  }
}

/** One layer per category, named by code or name: JS_line.shp, 雨水管线.geojson, ws-points.geojson. */
function layerOfFileName(file: string): { category: PipeCategory | undefined; subType: string | undefined } {
  const name = basename(file).replace(/\.[^.]+$/, '');
  const code = /^([A-Za-z]{2})(?:[_\-\s.]|$)/.exec(name)?.[1];
  const byName = CJJ61_CATEGORIES.find((c) => name.startsWith(c.nameZh)) ?? (/^(雨水|污水|合流)/.test(name) ? pipeCategoryOf('PS') : undefined);
  const category = (code ? pipeCategoryOf(code) : undefined) ?? byName;
  return { category, subType: subTypeOf(code ?? name) };
}

/** The drainage sub-type a layer code or name gives (YS 雨水, WS 污水, HS 合流). */
function subTypeOf(codeOrName: string): string | undefined {
  const upper = codeOrName.toUpperCase();
  if (['YS', 'WS', 'HS'].includes(upper)) return upper;
  return codeOrName.startsWith('雨水') ? 'YS' : codeOrName.startsWith('污水') ? 'WS' : codeOrName.startsWith('合流') ? 'HS' : undefined;
}

/** The source columns each built-in pipe property is read from (pipeItemsFrom's values), by the run's mapping. */
function builtInColumns(mapping: FieldMapping): Record<string, readonly string[]> {
  const c = mapping.candidates;
  return {
    id: [...c.id, ...c.pointId],
    category: c.category,
    subType: c.subType,
    fromNode: c.fromPoint,
    toNode: c.toPoint,
    startDepth: c.startDepth,
    endDepth: c.endDepth,
    diameter: c.diameter,
    width: c.section,
    material: c.material,
    feature: c.feature,
    appurtenance: c.appurtenance,
    groundElevation: c.groundElevation,
    depth: c.pointDepth,
  };
}
