import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BurstImpactReport, CriticalityReport } from '../../../workers/formats/burstImpactReport.js';
import { NETWORK_FORMAT, NETWORK_VERSION, type NetworkDocument, type NetworkServices } from '../../../workers/formats/networkDocument.js';
import { burstImpact } from '../../../workers/network/burstImpact.js';
import { burstImpactReport } from '../../../workers/network/burstImpactReport.js';
import { criticality } from '../../../workers/network/criticality.js';
import { prepareSupplyNetwork } from '../../../workers/network/prepareSupplyNetwork.js';
import { type SensorSite, supplyNetworkFromDocument } from '../../../workers/network/supplyNetworkFromDocument.js';
import { buildServiceConnections, DEFAULT_SERVICE_REACH } from '../pipes/buildServiceConnections.js';
import { placeValue, readPlaceTable } from '../pipes/readPlaceTable.js';
import { InputFileError } from '../readers/InputFileError.js';
import { CrsError } from '../crs/CrsError.js';

export const ANALYZE_HELP = `cim-twin analyze — what a burst on a water pipe cuts off

Usage:
  cim-twin analyze burst --network <network.json> --pipe <pipe id> [options]
  cim-twin analyze criticality --network <network.json> [--top <n>] [options]

  burst         the valves to close (feeding valves first, nearest first along the isolated
                pipes), the pipes and points they shut in, the points cut off from every
                source (reservoir, tank, water works) once they are closed, the buildings that
                lose water, the hospitals, schools and care homes among them, the sensors inside
  criticality   every water pipe ranked by what its burst cuts off: critical facilities first,
                then buildings (pipes between the same valves share their answer)

Options:
  --network <file>        network.json written beside a pipes tileset (required)
  --pipe <id>             burst: the pipe's id, as in the tiles
  --services <file>       service connections (CSV, GeoJSON, Shapefile: 建筑编号/building_id,
                          接入点/node_id) instead of those in network.json; a row without a known
                          connection point is connected to the nearest main within
                          --service-reach metres (default ${DEFAULT_SERVICE_REACH}) from its position
  --sensors <file>        sensor sites (GeoJSON, CSV…) whose "feature" names the point or pipe they sit on
  --category <code>       the network analysed (default JS, water supply)
  --top <n>               criticality: the first n pipes (default: 20 in the table, all in JSON)
  --crs <crs>, --encoding <code page>   of the --services and --sensors files
  --json                  print JSON (burst: {"valvesToClose", "isolatedEdges", "isolatedNodes",
                          "buildings", "criticalFacilities", …}; criticality: {"ranking": […]})
  -h, --help              this help

Exit codes: 0 done; 1 an unreadable file; 2 usage error (an unknown pipe id included).
`;

/** A usage error: exit 2 with one line. `help` adds the pointer to --help where the command line itself is wrong, not the data asked for. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly help = true,
  ) {
    super(message);
  }
}

/** `cim-twin analyze …`: the network kernels of workers/network on a network.json. */
export async function analyze(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        network: { type: 'string' },
        pipe: { type: 'string' },
        services: { type: 'string' },
        sensors: { type: 'string' },
        category: { type: 'string' },
        top: { type: 'string' },
        'service-reach': { type: 'string' },
        crs: { type: 'string' },
        encoding: { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(ANALYZE_HELP);
    return values.help ? 0 : 2;
  }
  const [what, ...extra] = positionals;
  try {
    if (what !== 'burst' && what !== 'criticality') throw new UsageError(`unknown analysis "${what}" (available: burst, criticality)`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!values.network) throw new UsageError('--network <network.json> is required');
    if (what === 'burst' && values.pipe === undefined) throw new UsageError('--pipe <pipe id> is required');
    const top = positiveInt(values.top, '--top');
    const reach = values['service-reach'] !== undefined ? positiveInt(values['service-reach'], '--service-reach') : DEFAULT_SERVICE_REACH;
    const category = values.category ?? 'JS';
    const doc = readNetwork(values.network);
    if (!doc.edges.category.includes(category))
      throw new UsageError(`${values.network} has no ${category} pipes (it has ${[...new Set(doc.edges.category)].join(', ')})`);
    const tableOptions = { crs: values.crs, encoding: values.encoding };
    const services = values.services !== undefined ? await servicesFromTable(values.services, doc, category, reach!, tableOptions) : undefined;
    const sensors = values.sensors !== undefined ? await sensorSites(values.sensors, tableOptions) : undefined;
    const { network, ids } = supplyNetworkFromDocument(doc, { category, ...(services ? { services } : {}), ...(sensors ? { sensors } : {}) });
    const prepared = prepareSupplyNetwork(network);

    if (what === 'burst') {
      const pipe = values.pipe!;
      const docEdge = doc.edges.id.indexOf(pipe);
      if (docEdge < 0) throw new UsageError(`--pipe "${pipe}": no pipe with this id in ${values.network} (${pipeIdsExample(doc, category)})`, false);
      if (doc.edges.category[docEdge] !== category)
        throw new UsageError(`--pipe "${pipe}" is a ${doc.edges.category[docEdge]} pipe; the analysis runs on the ${category} network (--category)`, false);
      const edge = ids.edgeIndex.indexOf(docEdge);
      const report = burstImpactReport(burstImpact(prepared, edge), ids);
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : burstText(report, doc, docEdge));
      return 0;
    }

    const started = performance.now();
    const result = criticality(prepared);
    const milliseconds = Math.round((performance.now() - started) * 10) / 10;
    const ranked = Array.from(result.rankedEdges.slice(0, top ?? (values.json ? result.rankedEdges.length : 20)));
    const report: CriticalityReport = {
      network: values.network,
      category,
      pipes: result.rankedEdges.length,
      segments: result.segmentCount,
      sources: network.sourceNodes.length,
      services: network.services.node.length,
      facilities: network.facilities.service.length,
      milliseconds,
      ranking: ranked.map((edge, i) => {
        const segment = result.segmentOfEdge[edge]!;
        return {
          rank: i + 1,
          pipe: ids.edgeIds[edge]!,
          segment,
          segmentPipes: result.segmentEdges[segment]!,
          buildings: result.segmentBuildings[segment]!,
          criticalFacilities: result.segmentFacilities[segment]!,
        };
      }),
    };
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : criticalityText(report));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message, error.help);
    if (error instanceof InputFileError || error instanceof CrsError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function usage(message: string, help = true): number {
  process.stderr.write(`error: ${message}\n${help ? 'Run "cim-twin analyze --help" for usage.\n' : ''}`);
  return 2;
}

/** What the network's pipe ids look like, for an id not found: "10,878 JS pipes, e.g. JSL000001, JSL000002". */
function pipeIdsExample(doc: NetworkDocument, category: string): string {
  const ids = doc.edges.id.filter((_, e) => doc.edges.category[e] === category && doc.edges.type[e] === 'pipe');
  return `${ids.length.toLocaleString('en')} ${category} pipes, e.g. ${ids.slice(0, 2).join(', ')}`;
}

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function readNetwork(file: string): NetworkDocument {
  let doc: NetworkDocument;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as NetworkDocument;
  } catch (error) {
    throw new InputFileError(file, `cannot read: ${(error as Error).message}`);
  }
  if (doc?.format !== NETWORK_FORMAT || doc.version !== NETWORK_VERSION)
    throw new InputFileError(file, `not a ${NETWORK_FORMAT} v${NETWORK_VERSION} document (the network.json beside a pipes tileset)`);
  return doc;
}

/** A service table for the network in `doc`: rows naming a node as they are, others to the nearest main (no streets in network.json). */
async function servicesFromTable(
  file: string,
  doc: NetworkDocument,
  category: string,
  reachMetres: number,
  options: { crs: string | undefined; encoding: string | undefined },
): Promise<NetworkServices> {
  const { rows } = await readPlaceTable(file, options);
  const nodes = doc.nodes.id.map((id, n) => ({ id, category: doc.nodes.category[n] === category ? 'JS' : doc.nodes.category[n]!, lat: doc.nodes.lat[n]! }));
  const mains = doc.edges.id.flatMap((_, e) => {
    if (doc.edges.category[e] !== category || doc.edges.type[e] !== 'pipe') return [];
    const from = doc.edges.from[e]!;
    const to = doc.edges.to[e]!;
    return [{ edge: e, from, to, lonLat: [doc.nodes.lon[from]!, doc.nodes.lat[from]!, doc.nodes.lon[to]!, doc.nodes.lat[to]!], street: undefined }];
  });
  const { services, report } = buildServiceConnections({ table: { file, rows }, buildings: undefined, nodes, edgeIds: doc.edges.id, mains, reachMetres });
  process.stderr.write(
    `services (${file}): ${report.rows} rows, ${report.fromTable} from the table, ${report.inferred} inferred (nearest main within ${reachMetres} m), ${report.unserved} unserved${Object.entries(
      report.byCode,
    )
      .map(([code, n]) => `, ${code} ${n}`)
      .join('')}\n`,
  );
  return services;
}

async function sensorSites(file: string, options: { crs: string | undefined; encoding: string | undefined }): Promise<SensorSite[]> {
  const { rows } = await readPlaceTable(file, options);
  return rows.map((row) => ({
    id: row.id ?? placeValue(row.attributes, ['id', '编号']) ?? row.where,
    feature: placeValue(row.attributes, ['feature', '设备位置', '管点编号']) ?? null,
  }));
}

function burstText(report: BurstImpactReport, doc: NetworkDocument, docEdge: number): string {
  const diameter = doc.edges.diameter[docEdge];
  const lines = [
    `burst on ${report.pipe} (${doc.edges.category[docEdge]}${diameter ? ` DN${Math.round(diameter * 1000)}` : ''}, ${doc.edges.length[docEdge]} m)`,
    report.unbounded
      ? 'no valve bounds this pipe: the isolated part is all it reaches'
      : `valves to close (${report.valves.length}; feeding valves first, nearest first):`,
    ...report.valves.map(
      (v) =>
        `  ${String(v.order).padStart(2)}. ${v.id.padEnd(12)} ${v.kind.padEnd(4)} ${v.distanceMetres.toFixed(1).padStart(8)} m  ${v.feeds ? 'feeds the burst' : 'drains back'}`,
    ),
    `isolated: ${report.isolatedEdges.length} pipes, ${report.isolatedNodes.length} points; cut off from every source: ${report.cutOffNodes.length} points, ${report.cutOffEdges.length} pipes${report.sources === 0 ? ' (the network names no source: only the isolated part counts)' : ''}`,
    `buildings losing water: ${report.buildings.length} (${report.buildingsIsolated} in the isolated part, ${report.buildingsCutOff} cut off)`,
    `critical facilities: ${report.criticalFacilities.length}`,
    ...report.criticalFacilities.map((f) => `  ${f.name} (${f.kind}, ${f.building !== null ? `building ${f.building}` : `point ${f.node}`})`),
    `sensors inside: ${report.sensors.length}${report.sensors.length ? ` (${report.sensors.map((s) => `${s.id} ${s.cause}`).join(', ')})` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

function criticalityText(report: CriticalityReport): string {
  const header = ['rank', 'pipe', 'segment pipes', 'buildings', 'critical facilities'];
  const rows = report.ranking.map((r) => [String(r.rank), r.pipe, String(r.segmentPipes), String(r.buildings), String(r.criticalFacilities)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `criticality of ${report.pipes} ${report.category} pipes in ${report.segments} valve-bounded segments (${report.sources} sources, ${report.services} buildings, ${report.facilities} critical facilities): ${report.milliseconds} ms`,
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}
