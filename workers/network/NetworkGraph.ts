/**
 * The pipe network as columnar typed arrays (from network.json, see the README): what analysis
 * kernels take, and what crosses to a Web Worker on a transfer list. Edges are undirected.
 */
export interface NetworkGraph {
  nodeCount: number;
  edgeFrom: Uint32Array;
  edgeTo: Uint32Array;
  /** CSR adjacency: edges touching node n are adjacencyEdges[adjacencyStart[n] .. adjacencyStart[n + 1]). */
  adjacencyStart: Uint32Array;
  adjacencyEdges: Uint32Array;
  /** 1 where a valve sits on the node (survey 阀门 points). */
  valveNodes: Uint8Array;
  /** 1 where the edge is a valve (EPANET valve links). */
  valveEdges: Uint8Array;
}

/** Builds the CSR adjacency for a graph given by its edge end arrays. */
export function networkGraph(nodeCount: number, edgeFrom: Uint32Array, edgeTo: Uint32Array, valveNodes: Uint8Array, valveEdges: Uint8Array): NetworkGraph {
  const degree = new Uint32Array(nodeCount + 1);
  for (let e = 0; e < edgeFrom.length; e++) {
    degree[edgeFrom[e]! + 1]!++;
    degree[edgeTo[e]! + 1]!++;
  }
  const adjacencyStart = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) adjacencyStart[n + 1] = adjacencyStart[n]! + degree[n + 1]!;
  const fill = adjacencyStart.slice(0, nodeCount);
  const adjacencyEdges = new Uint32Array(edgeFrom.length * 2);
  for (let e = 0; e < edgeFrom.length; e++) {
    adjacencyEdges[fill[edgeFrom[e]!]!++] = e;
    adjacencyEdges[fill[edgeTo[e]!]!++] = e;
  }
  return { nodeCount, edgeFrom, edgeTo, adjacencyStart, adjacencyEdges, valveNodes, valveEdges };
}
