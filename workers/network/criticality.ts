import type { PreparedSupplyNetwork } from './prepareSupplyNetwork.js';
import { valveSegments } from './valveSegments.js';

/** What every pipe's burst cuts off, and the pipes ranked by it. */
export interface Criticality {
  /** Valve-bounded segment of each edge (-1: valve links, which are not ranked). */
  segmentOfEdge: Int32Array;
  segmentCount: number;
  /** Per segment: buildings that lose water when a pipe of it bursts, critical facilities among them, its edges. */
  segmentBuildings: Uint32Array;
  segmentFacilities: Uint32Array;
  segmentEdges: Uint32Array;
  /** Every edge but valve links, most critical first: facilities lost, then buildings, then the size of the shutdown, then edge index. */
  rankedEdges: Uint32Array;
}

/**
 * Criticality of every pipe without a burst analysis per pipe. A burst shuts in its
 * valve-bounded segment (the same for every pipe of it: valveSegments), so the network is
 * contracted to a graph of segments and the nodes between them (valves, and nodes reached only
 * through valve links), with one root joined to every vertex holding a source. Shutting a
 * segment in removes its vertex; what loses water is the segment's own buildings plus every
 * part left without a path to the root: the subtrees of the segment's DFS children whose low
 * point does not climb above it (Tarjan's articulation points, run once). Linear in the
 * network's size, where a burst analysis per pipe is quadratic. The answers equal burstImpact's
 * counts for every pipe (checked by the tests).
 */
export function criticality(prepared: PreparedSupplyNetwork): Criticality {
  const { graph, sourceNodes, services, facilities } = prepared.network;
  const { segmentOfEdge, segmentCount } = valveSegments(graph);
  const nodeCount = graph.nodeCount;
  const edgeCount = graph.edgeFrom.length;

  // A node's vertex: the segment of its pipes, or a vertex of its own (valves, nodes touched only by valve links).
  const root = segmentCount + nodeCount;
  const vertexCount = root + 1;
  const vertexOfNode = new Uint32Array(nodeCount);
  for (let node = 0; node < nodeCount; node++) {
    vertexOfNode[node] = segmentCount + node;
    if (graph.valveNodes[node]) continue;
    for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
      const segment = segmentOfEdge[graph.adjacencyEdges[k]!]!;
      if (segment >= 0) {
        vertexOfNode[node] = segment;
        break;
      }
    }
  }

  // Links of the contracted graph (duplicates are harmless for articulation points).
  const linkFrom: number[] = [];
  const linkTo: number[] = [];
  const link = (a: number, b: number): void => {
    linkFrom.push(a);
    linkTo.push(b);
  };
  const segmentEdges = new Uint32Array(segmentCount);
  for (let edge = 0; edge < edgeCount; edge++) {
    const a = vertexOfNode[graph.edgeFrom[edge]!]!;
    const b = vertexOfNode[graph.edgeTo[edge]!]!;
    const segment = segmentOfEdge[edge]!;
    if (segment >= 0) {
      segmentEdges[segment]!++;
      if (a !== segment) link(segment, a);
      if (b !== segment) link(segment, b);
    } else if (a !== b) link(a, b);
  }
  for (const source of sourceNodes) link(root, vertexOfNode[source]!);
  const start = new Uint32Array(vertexCount + 1);
  for (let i = 0; i < linkFrom.length; i++) {
    start[linkFrom[i]! + 1]!++;
    start[linkTo[i]! + 1]!++;
  }
  for (let v = 0; v < vertexCount; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, vertexCount);
  const adjacent = new Uint32Array(linkFrom.length * 2);
  for (let i = 0; i < linkFrom.length; i++) {
    adjacent[fill[linkFrom[i]!]!++] = linkTo[i]!;
    adjacent[fill[linkTo[i]!]!++] = linkFrom[i]!;
  }

  // What each vertex serves: a tap between a main's ends belongs to that main's segment.
  const vertexOfService = (row: number): number => {
    const edge = services.edge[row]!;
    return edge >= 0 && segmentOfEdge[edge]! >= 0 ? segmentOfEdge[edge]! : vertexOfNode[services.node[row]!]!;
  };
  const ownBuildings = new Float64Array(vertexCount);
  const ownFacilities = new Float64Array(vertexCount);
  for (let row = 0; row < services.node.length; row++) ownBuildings[vertexOfService(row)]!++;
  for (let row = 0; row < facilities.service.length; row++) {
    const service = facilities.service[row]!;
    if (service >= 0) ownFacilities[vertexOfService(service)]!++;
    else if (facilities.node[row]! >= 0) ownFacilities[vertexOfNode[facilities.node[row]!]!]!++;
  }

  // One iterative DFS from the root: discovery times, low points, subtree weights, and per
  // vertex the weight of the children's subtrees that hang on it alone.
  const discovered = new Int32Array(vertexCount).fill(-1);
  const low = new Int32Array(vertexCount);
  const parent = new Int32Array(vertexCount).fill(-1);
  const cursor = new Uint32Array(vertexCount);
  const subtreeBuildings = new Float64Array(vertexCount);
  const subtreeFacilities = new Float64Array(vertexCount);
  const hangingBuildings = new Float64Array(vertexCount);
  const hangingFacilities = new Float64Array(vertexCount);
  const stack = new Uint32Array(vertexCount);
  let depth = 0;
  let time = 0;
  const discover = (v: number, from: number): void => {
    discovered[v] = low[v] = time++;
    parent[v] = from;
    cursor[v] = start[v]!;
    subtreeBuildings[v] = ownBuildings[v]!;
    subtreeFacilities[v] = ownFacilities[v]!;
    stack[depth++] = v;
  };
  discover(root, -1);
  while (depth > 0) {
    const v = stack[depth - 1]!;
    if (cursor[v]! < start[v + 1]!) {
      const w = adjacent[cursor[v]!++]!;
      if (discovered[w]! < 0) discover(w, v);
      else if (discovered[w]! < low[v]!) low[v] = discovered[w]!;
      continue;
    }
    depth--;
    const p = parent[v]!;
    if (p < 0) continue;
    if (low[v]! < low[p]!) low[p] = low[v]!;
    subtreeBuildings[p]! += subtreeBuildings[v]!;
    subtreeFacilities[p]! += subtreeFacilities[v]!;
    if (low[v]! >= discovered[p]!) {
      hangingBuildings[p]! += subtreeBuildings[v]!;
      hangingFacilities[p]! += subtreeFacilities[v]!;
    }
  }

  const segmentBuildings = new Uint32Array(segmentCount);
  const segmentFacilities = new Uint32Array(segmentCount);
  for (let s = 0; s < segmentCount; s++) {
    segmentBuildings[s] = ownBuildings[s]! + hangingBuildings[s]!;
    segmentFacilities[s] = ownFacilities[s]! + hangingFacilities[s]!;
  }
  const ranked: number[] = [];
  for (let edge = 0; edge < edgeCount; edge++) if (segmentOfEdge[edge]! >= 0) ranked.push(edge);
  ranked.sort((x, y) => {
    const a = segmentOfEdge[x]!;
    const b = segmentOfEdge[y]!;
    return segmentFacilities[b]! - segmentFacilities[a]! || segmentBuildings[b]! - segmentBuildings[a]! || segmentEdges[b]! - segmentEdges[a]! || x - y;
  });
  return { segmentOfEdge, segmentCount, segmentBuildings, segmentFacilities, segmentEdges, rankedEdges: Uint32Array.from(ranked) };
}
