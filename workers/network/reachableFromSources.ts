import type { NetworkGraph } from './NetworkGraph.js';

/**
 * The nodes water reaches from the sources through edges that are not closed: a breadth-first
 * walk over the CSR adjacency, typed arrays only (it runs once per burst on 100k-pipe networks).
 * `closedEdges` (1 = closed) and `closedNodes` (1 = no water enters or passes) may be omitted.
 */
export function reachableFromSources(graph: NetworkGraph, sources: ArrayLike<number>, closedEdges?: Uint8Array, closedNodes?: Uint8Array): Uint8Array {
  const reached = new Uint8Array(graph.nodeCount);
  const queue = new Uint32Array(graph.nodeCount);
  let tail = 0;
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i]!;
    if (reached[source] || closedNodes?.[source]) continue;
    reached[source] = 1;
    queue[tail++] = source;
  }
  const { adjacencyStart, adjacencyEdges, edgeFrom, edgeTo } = graph;
  for (let head = 0; head < tail; head++) {
    const node = queue[head]!;
    for (let k = adjacencyStart[node]!, end = adjacencyStart[node + 1]!; k < end; k++) {
      const edge = adjacencyEdges[k]!;
      if (closedEdges?.[edge]) continue;
      const from = edgeFrom[edge]!;
      const next = from === node ? edgeTo[edge]! : from;
      if (reached[next] || closedNodes?.[next]) continue;
      reached[next] = 1;
      queue[tail++] = next;
    }
  }
  return reached;
}
