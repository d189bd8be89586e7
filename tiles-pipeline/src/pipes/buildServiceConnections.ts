import type { NetworkServices, ServiceOrigin } from '../../../workers/formats/networkDocument.js';
import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import { PolylineIndex } from '../../../workers/geometry/PolylineIndex.js';
import { type PlaceRow, placeValue } from './readPlaceTable.js';
import type { ServiceBuilding, ServiceIssue, ServiceReport } from './ServiceConnections.js';

/** Columns of a service-connection table (compared as written, then in lower case). */
export const SERVICE_COLUMNS = {
  building: ['建筑编号', '建筑物编号', '房屋编号', '楼栋编号', '建筑ID', 'building_id', 'buildingid', 'building', 'bldg_id'],
  node: ['接入点', '接入点号', '接入点编号', '接入节点', '接水点', 'node_id', 'nodeid', 'node', 'connection'],
  main: ['接入管线', '接入管段', '接入管线编号', 'main_id', 'main'],
  street: ['道路名称', '所在道路', '街道', 'street', 'road'],
  address: ['地址', '门牌地址', 'address'],
} as const;

/** How far an inferred connection may reach for a main, metres (`--service-reach`). */
export const DEFAULT_SERVICE_REACH = 150;
/** A connection this close to a main's end is at that node rather than a tap between its ends. */
const AT_NODE_METRES = 1;
const ISSUES_LISTED = 1000;

/** A water main a service can connect to: a pipe of the water network (no valve or pump link). */
export interface WaterMain {
  /** Index of the edge in the network. */
  edge: number;
  from: number;
  to: number;
  /** lon, lat pairs along it, WGS84. */
  lonLat: ArrayLike<number>;
  /** The street it lies under (道路名称), when the survey says. */
  street: string | undefined;
}

export interface ServiceConnectionInput {
  /** The service-connection table's rows and its file, when one was given. */
  table: { file: string; rows: readonly PlaceRow[] } | undefined;
  /** Every building to connect (the buildings tileset's ids and points), when given: rows for others are refused. */
  buildings: { file: string; list: readonly ServiceBuilding[] } | undefined;
  /** The network's nodes (indices as in network.json); only water-supply (JS) nodes are connection points. */
  nodes: readonly { id: string; category: string; lat: number }[];
  /** The network's edge ids (a table may name the main it taps). */
  edgeIds: readonly string[];
  mains: readonly WaterMain[];
  reachMetres: number;
}

/**
 * Service connections of the water network: every building → the node of the main it is fed
 * from. A table row naming a water node is taken as it is ("table"). A building the table does
 * not connect — its row has no connection point or names none of the network's, or it is only
 * in `buildings` — is connected to the nearest main under its own street (the row's street, or
 * the street its address names) within reach ("inferred-street"), else to the nearest main
 * within reach ("inferred-nearest"), else it is unserved. An inferred connection taps the main
 * where the service pipe meets it: at the nearer end node when within a metre of it, else
 * between the ends (the edge is recorded, so the building loses water with that main).
 */
export function buildServiceConnections(input: ServiceConnectionInput): { services: NetworkServices; report: ServiceReport } {
  const { reachMetres } = input;
  const report: ServiceReport = {
    table: input.table?.file,
    buildings: input.buildings?.file,
    rows: input.table?.rows.length ?? 0,
    fromTable: 0,
    inferredSameStreet: 0,
    inferredNearest: 0,
    inferred: 0,
    unserved: 0,
    reachMetres,
    byCode: {},
    issues: [],
  };
  const issue = (file: string, row: string, code: ServiceIssue['code'], message: string): void => {
    report.byCode[code] = (report.byCode[code] ?? 0) + 1;
    if (report.issues.length < ISSUES_LISTED) report.issues.push({ file, row, code, message });
  };
  const services: NetworkServices = { building: [], node: [], edge: [], how: [], lon: [], lat: [], length: [] };
  const add = (
    building: string,
    node: number,
    edge: number | null,
    how: ServiceOrigin,
    lon: number | undefined,
    lat: number | undefined,
    length: number | null,
  ): void => {
    services.building.push(building);
    services.node.push(node);
    services.edge.push(edge);
    services.how.push(how);
    services.lon.push(lon !== undefined ? Math.round(lon * 1e7) / 1e7 : null);
    services.lat.push(lat !== undefined ? Math.round(lat * 1e7) / 1e7 : null);
    services.length.push(length !== null ? Math.round(length * 100) / 100 : null);
  };

  // The mains in a local metric frame, with their streets.
  const { nodes, mains } = input;
  const lat0 = nodes.length > 0 ? nodes.reduce((s, n) => s + n.lat, 0) / nodes.length : 0;
  const scale = metresPerDegree(lat0);
  const index = new PolylineIndex(mains.map((main) => Float64Array.from(main.lonLat, (v, i) => (i % 2 === 0 ? v * scale.lon : v * scale.lat))));
  // Longest names first: 咸阳路二段 is found in an address before 咸阳路.
  const streets = [...new Set(mains.flatMap((m) => (m.street !== undefined ? [m.street] : [])))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const nodeOfId = new Map<string, number>();
  nodes.forEach((node, n) => node.category === 'JS' && !nodeOfId.has(node.id) && nodeOfId.set(node.id, n));

  const edgeOfId = new Map(input.edgeIds.map((id, i) => [id, i]));
  const mainOfEdge = new Map(mains.map((m) => [m.edge, m]));
  const known = input.buildings ? new Map(input.buildings.list.map((b) => [b.id, b])) : undefined;
  const connected = new Set<string>();
  const infer = (file: string, id: string, lon: number | undefined, lat: number | undefined, street: string | undefined, address: string | undefined): void => {
    if (lon === undefined || lat === undefined) {
      report.unserved++;
      issue(file, id, 'SERVICE_UNSERVED', `building ${id}: no connection point and no position to find its main from`);
      return;
    }
    const x = lon * scale.lon;
    const y = lat * scale.lat;
    const ownStreet = street ?? (address !== undefined ? streets.find((name) => address.includes(name)) : undefined);
    let how: ServiceOrigin = 'inferred-street';
    let hit = ownStreet !== undefined ? index.nearest(x, y, reachMetres, (m) => mains[m]!.street === ownStreet) : undefined;
    if (!hit) {
      how = 'inferred-nearest';
      hit = index.nearest(x, y, reachMetres);
    }
    if (!hit) {
      report.unserved++;
      issue(file, id, 'SERVICE_UNSERVED', `building ${id}: no water main within ${reachMetres} m`);
      return;
    }
    const main = mains[hit.polyline]!;
    const toFrom = hit.along;
    const toTo = hit.length - hit.along;
    const node = toFrom <= toTo ? main.from : main.to;
    const atNode = Math.min(toFrom, toTo) <= AT_NODE_METRES;
    add(id, node, atNode ? null : main.edge, how, lon, lat, hit.distance);
    if (how === 'inferred-street') report.inferredSameStreet++;
    else report.inferredNearest++;
  };

  for (const row of input.table?.rows ?? []) {
    const file = input.table!.file;
    const id = placeValue(row.attributes, SERVICE_COLUMNS.building);
    if (row.problem !== undefined || id === undefined) {
      issue(file, row.where, 'SERVICE_ROW_INVALID', row.problem ?? `no building id (${SERVICE_COLUMNS.building.slice(0, 3).join(', ')}, building_id …)`);
      continue;
    }
    const building = known?.get(id);
    if (known && !building) {
      issue(file, row.where, 'SERVICE_BUILDING_UNKNOWN', `building ${id} is not in ${input.buildings!.file}`);
      continue;
    }
    if (connected.has(id)) {
      issue(file, row.where, 'SERVICE_DUPLICATE', `building ${id} has an earlier row; this one is left out`);
      continue;
    }
    connected.add(id);
    const lon = row.lon ?? building?.lon;
    const lat = row.lat ?? building?.lat;
    const nodeId = placeValue(row.attributes, SERVICE_COLUMNS.node);
    const node = nodeId !== undefined ? nodeOfId.get(nodeId) : undefined;
    if (node !== undefined) {
      // The main it taps, when the table names one that ends at the connection point.
      const mainId = placeValue(row.attributes, SERVICE_COLUMNS.main);
      const main = mainId !== undefined ? edgeOfId.get(mainId) : undefined;
      const tapped = main !== undefined ? mainOfEdge.get(main) : undefined;
      const taps = tapped !== undefined && (tapped.from === node || tapped.to === node);
      add(id, node, taps ? main! : null, 'table', lon, lat, row.length ?? null);
      report.fromTable++;
      continue;
    }
    if (nodeId !== undefined)
      issue(file, row.where, 'SERVICE_NODE_UNKNOWN', `building ${id}: connection point ${nodeId} is no water-supply node; inferred instead`);
    const street = placeValue(row.attributes, SERVICE_COLUMNS.street);
    infer(file, id, lon, lat, street, placeValue(row.attributes, SERVICE_COLUMNS.address) ?? building?.address);
  }
  for (const building of input.buildings?.list ?? []) {
    if (connected.has(building.id)) continue;
    connected.add(building.id);
    infer(input.buildings!.file, building.id, building.lon, building.lat, undefined, building.address);
  }
  report.inferred = report.inferredSameStreet + report.inferredNearest;
  return { services, report };
}
