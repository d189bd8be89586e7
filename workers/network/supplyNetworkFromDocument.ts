import type { CriticalFacilityKind, NetworkDocument, NetworkServices } from '../formats/networkDocument.js';
import { networkGraphFromDocument } from './networkGraphFromDocument.js';
import type { SupplyNetwork } from './SupplyNetwork.js';
import { supplySourceNodes } from './supplySourceNodes.js';

/** A sensor site as the seeds and the live catalogue give it: `feature` names the pipe point or pipe it sits on. */
export interface SensorSite {
  id: string;
  feature?: string | null;
}

/** The ids to turn a supply network's indices back into what the tiles and tables call them. */
export interface SupplyNetworkIds {
  /** Graph edge → the edge's id (the tiles' `id` of the pipe). */
  edgeIds: string[];
  /** Graph edge → index of the edge in network.json. */
  edgeIndex: Uint32Array;
  /** Node → its id in the tiles (the surveyed point's id; "~n" for an end no point was surveyed at). */
  nodeIds: string[];
  /** Service row → building id. */
  buildingIds: string[];
  facilities: { id: string; name: string; kind: CriticalFacilityKind; building: string | null; node: string | null }[];
  sensorIds: string[];
}

/**
 * The supply network of one category (water by default) from network.json: its graph, sources
 * (supplySourceNodes), edge lengths, and the service connections and critical facilities the
 * document carries — or `services` given here instead (a table read by the CLI). Sensors whose
 * `feature` names a node or edge of the network are placed on it; the others are left out.
 */
export function supplyNetworkFromDocument(
  doc: NetworkDocument,
  options: { category?: string; services?: NetworkServices; sensors?: readonly SensorSite[] } = {},
): { network: SupplyNetwork; ids: SupplyNetworkIds } {
  const category = options.category ?? 'JS';
  const { graph, edgeIds, edgeIndex } = networkGraphFromDocument(doc, category);
  const graphEdgeOf = new Int32Array(doc.edges.id.length).fill(-1);
  edgeIndex.forEach((docEdge, edge) => (graphEdgeOf[docEdge] = edge));
  const nodeIds = doc.nodes.id.map((id, n) => doc.nodes.feature[n] ?? id);

  const services = options.services ?? doc.services;
  const buildingIds = services?.building ?? [];
  const serviceRow = new Map(buildingIds.map((id, row) => [id, row]));
  const facilities = doc.facilities;
  const facilityRows = facilities?.id.map((id, i) => ({
    id,
    name: facilities.name[i]!,
    kind: facilities.kind[i]!,
    building: facilities.building[i] ?? null,
    node: facilities.node[i] ?? null,
  }));

  // Sensors by the point or pipe they sit on: survey point ids and EPANET junction ids are node ids.
  const nodeOfId = new Map<string, number>();
  doc.nodes.id.forEach((id, n) => {
    if (doc.nodes.category[n] !== category) return;
    nodeOfId.set(id, n);
    const feature = doc.nodes.feature[n];
    if (feature) nodeOfId.set(feature, n);
  });
  const edgeOfId = new Map(edgeIds.map((id, e) => [id, e]));
  const sensorIds: string[] = [];
  const sensorNode: number[] = [];
  const sensorEdge: number[] = [];
  for (const site of options.sensors ?? []) {
    const node = site.feature ? nodeOfId.get(site.feature) : undefined;
    const edge = site.feature && node === undefined ? edgeOfId.get(site.feature) : undefined;
    if (node === undefined && edge === undefined) continue;
    sensorIds.push(site.id);
    sensorNode.push(node ?? -1);
    sensorEdge.push(edge ?? -1);
  }

  const network: SupplyNetwork = {
    graph,
    edgeLength: Float64Array.from(edgeIndex, (e) => doc.edges.length[e] ?? 0),
    sourceNodes: supplySourceNodes(doc, category),
    services: {
      node: Uint32Array.from(services?.node ?? []),
      edge: Int32Array.from(services?.edge ?? [], (e) => (e === null ? -1 : (graphEdgeOf[e] ?? -1))),
    },
    facilities: {
      service: Int32Array.from(facilityRows ?? [], (f) => (f.building !== null ? (serviceRow.get(f.building) ?? -1) : -1)),
      node: Int32Array.from(facilityRows ?? [], (f) => f.node ?? -1),
    },
    sensors: { node: Int32Array.from(sensorNode), edge: Int32Array.from(sensorEdge) },
  };
  return {
    network,
    ids: {
      edgeIds,
      edgeIndex,
      nodeIds,
      buildingIds,
      facilities: (facilityRows ?? []).map((f) => ({ ...f, node: f.node !== null ? nodeIds[f.node]! : null })),
      sensorIds,
    },
  };
}
