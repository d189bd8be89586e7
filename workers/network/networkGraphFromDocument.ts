import { NETWORK_FORMAT, NETWORK_VERSION, type NetworkDocument } from '../formats/networkDocument.js';
import { type NetworkGraph, networkGraph } from './NetworkGraph.js';

export type { NetworkDocument };

/**
 * The graph of one category (water supply by default: valves matter there) from network.json,
 * with the ids to map results back to tile features. Edges of other categories are left out;
 * node indices stay those of the document.
 */
export function networkGraphFromDocument(
  doc: NetworkDocument,
  category = 'JS',
): { graph: NetworkGraph; edgeIds: string[]; nodeIds: string[]; edgeIndex: Uint32Array } {
  if (doc.format !== NETWORK_FORMAT || doc.version !== NETWORK_VERSION)
    throw new Error(`not a cim-twin-network v1 document (format ${doc.format}, version ${doc.version})`);
  const keep: number[] = [];
  doc.edges.category.forEach((c, e) => c === category && keep.push(e));
  const edgeIndex = Uint32Array.from(keep);
  const from = Uint32Array.from(keep, (e) => doc.edges.from[e]!);
  const to = Uint32Array.from(keep, (e) => doc.edges.to[e]!);
  const valveNodes = new Uint8Array(doc.nodes.id.length);
  const valveEdges = new Uint8Array(keep.length);
  const position = new Map(keep.map((e, i) => [e, i]));
  for (const valve of doc.valves) {
    if (valve.node !== undefined && doc.nodes.category[valve.node] === category) valveNodes[valve.node] = 1;
    if (valve.edge !== undefined && position.has(valve.edge)) valveEdges[position.get(valve.edge)!] = 1;
  }
  return {
    graph: networkGraph(doc.nodes.id.length, from, to, valveNodes, valveEdges),
    edgeIds: keep.map((e) => doc.edges.id[e]!),
    nodeIds: doc.nodes.id,
    edgeIndex,
  };
}
