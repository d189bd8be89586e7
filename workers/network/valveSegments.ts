import type { NetworkGraph } from './NetworkGraph.js';

/**
 * Valve-bounded segments: the parts of the network that one closing of valves shuts in. Two
 * edges are in one segment when they meet at a node without a valve; valve links belong to
 * none (-1). isolateBurst on any edge of a segment shuts in exactly that segment, so a kernel
 * that needs every burst's result needs one per segment, not one per edge.
 */
export interface ValveSegments {
  /** Segment of each edge, or -1 for valve links; segments are numbered 0.. in edge order. */
  segmentOfEdge: Int32Array;
  segmentCount: number;
}

export function valveSegments(graph: NetworkGraph): ValveSegments {
  const edgeCount = graph.edgeFrom.length;
  const parent = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) parent[e] = e;
  const find = (e: number): number => {
    while (parent[e] !== e) {
      parent[e] = parent[parent[e]!]!; // path halving
      e = parent[e]!;
    }
    return e;
  };
  for (let node = 0; node < graph.nodeCount; node++) {
    if (graph.valveNodes[node]) continue;
    let first = -1;
    for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
      const edge = graph.adjacencyEdges[k]!;
      if (graph.valveEdges[edge]) continue;
      if (first < 0) first = find(edge);
      else {
        const root = find(edge);
        if (root !== first) parent[root] = first;
      }
    }
  }
  const segmentOfEdge = new Int32Array(edgeCount).fill(-1);
  const numberOfRoot = new Int32Array(edgeCount).fill(-1);
  let segmentCount = 0;
  for (let e = 0; e < edgeCount; e++) {
    if (graph.valveEdges[e]) continue;
    const root = find(e);
    if (numberOfRoot[root]! < 0) numberOfRoot[root] = segmentCount++;
    segmentOfEdge[e] = numberOfRoot[root]!;
  }
  return { segmentOfEdge, segmentCount };
}
