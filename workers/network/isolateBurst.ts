import type { NetworkGraph } from './NetworkGraph.js';

export interface BurstIsolation {
  /** Valves to close: node indices (valves on nodes) and edge indices (valve links). */
  valveNodes: Uint32Array;
  valveEdges: Uint32Array;
  /** Edges that lose supply once those valves are closed (the burst edge included). */
  isolatedEdges: Uint32Array;
  /** Whether the isolated part reaches a network end no valve bounds (e.g. a source). */
  unbounded: boolean;
}

/**
 * Burst-pipe valve isolation: the smallest set of valves that cuts the burst edge off, found by
 * walking the network from the burst edge and stopping at valves — a valve on a node closes
 * every pipe through that node, a valve link closes itself. Pure typed arrays in and out, so it
 * runs in a Web Worker with the results on a transfer list.
 */
export function isolateBurst(graph: NetworkGraph, burstEdge: number): BurstIsolation {
  const visitedEdge = new Uint8Array(graph.edgeFrom.length);
  const visitedNode = new Uint8Array(graph.nodeCount);
  const valveNodes: number[] = [];
  const valveEdges: number[] = [];
  const isolated: number[] = [];
  const stack: number[] = [burstEdge];
  visitedEdge[burstEdge] = 1;
  while (stack.length > 0) {
    const edge = stack.pop()!;
    if (graph.valveEdges[edge] && edge !== burstEdge) {
      valveEdges.push(edge);
      continue;
    }
    isolated.push(edge);
    for (const node of [graph.edgeFrom[edge]!, graph.edgeTo[edge]!]) {
      if (visitedNode[node]) continue;
      visitedNode[node] = 1;
      if (graph.valveNodes[node]) {
        valveNodes.push(node);
        continue;
      }
      for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
        const next = graph.adjacencyEdges[k]!;
        if (visitedEdge[next]) continue;
        visitedEdge[next] = 1;
        stack.push(next);
      }
    }
  }
  const sorted = (values: number[]): Uint32Array => Uint32Array.from(values).sort();
  let unbounded = false;
  // Ends of the isolated part that are not valves: a dead end is fine, a node with more edges
  // outside would have been walked; so "unbounded" means no valve was met at all.
  if (valveNodes.length === 0 && valveEdges.length === 0) unbounded = true;
  return { valveNodes: sorted(valveNodes), valveEdges: sorted(valveEdges), isolatedEdges: sorted(isolated), unbounded };
}
