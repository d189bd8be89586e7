import type { BurstIsolation } from '../network/isolateBurst.js';
import type { NetworkGraph } from '../network/NetworkGraph.js';

/**
 * The links a hydraulic model closes to carry out a burst isolation (workers/network/isolateBurst):
 * a valve link closes itself; a valve on a node closes the isolated pipes that meet at that
 * node — the valve sits between the node and the burst side, so the node itself stays in
 * service from its other pipes. Ids are network.json's edge ids, which are the model's link ids
 * when both come from the same survey (the seed's water model and pipe tables share them).
 */
export function linksClosedByIsolation(graph: NetworkGraph, isolation: BurstIsolation, edgeIds: readonly string[]): string[] {
  const closed = new Set<string>();
  for (const edge of isolation.valveEdges) closed.add(edgeIds[edge]!);
  const valveNode = new Uint8Array(graph.nodeCount);
  for (const node of isolation.valveNodes) valveNode[node] = 1;
  for (const edge of isolation.isolatedEdges) if (valveNode[graph.edgeFrom[edge]!] || valveNode[graph.edgeTo[edge]!]) closed.add(edgeIds[edge]!);
  return [...closed].sort();
}
