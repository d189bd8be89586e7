import { DEFAULT_ROAD_SPEEDS, metresPerSecond, type RoadSpeeds } from './roadSpeeds.js';

/** Edge direction flags: which ways an edge may be driven (from→to is the digitised direction). */
export const FORWARD = 1;
export const BACKWARD = 2;
export const BOTH_WAYS = FORWARD | BACKWARD;

/**
 * A routable road graph as columnar typed arrays (as workers/network/NetworkGraph.ts): nodes at
 * intersections and road ends, edges between them carrying their polyline, length, class and
 * travel time. An arc is an edge driven one way: arc 2e drives edge e from→to, arc 2e + 1
 * to→from; only arcs the edge's direction allows are in the CSR adjacencies.
 */
export interface RoadGraph {
  nodeCount: number;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
  edgeFrom: Uint32Array;
  edgeTo: Uint32Array;
  /** Metres along the polyline. */
  edgeMetres: Float64Array;
  /** Seconds to drive the edge at its class's speed. */
  edgeSeconds: Float64Array;
  /** Index into `classes`. */
  edgeClass: Uint8Array;
  classes: string[];
  /** FORWARD, BACKWARD or BOTH_WAYS. */
  edgeDirections: Uint8Array;
  /** Index into `names` (the road's name; '' when it has none). */
  edgeName: Uint32Array;
  names: string[];
  /** Polyline of edge e: vertices geometryStart[e] .. geometryStart[e + 1], from its from node to its to node. */
  geometryStart: Uint32Array;
  geometryLon: Float64Array;
  geometryLat: Float64Array;
  /** CSR: arcs leaving node n are outArcs[outStart[n] .. outStart[n + 1]). */
  outStart: Uint32Array;
  outArcs: Uint32Array;
  /** CSR: arcs entering node n are inArcs[inStart[n] .. inStart[n + 1]). */
  inStart: Uint32Array;
  inArcs: Uint32Array;
}

/** The parts of a road graph that are data (what a file or a builder gives); the rest is derived. */
export type RoadGraphParts = Pick<
  RoadGraph,
  | 'nodeLon'
  | 'nodeLat'
  | 'edgeFrom'
  | 'edgeTo'
  | 'edgeMetres'
  | 'edgeClass'
  | 'classes'
  | 'edgeDirections'
  | 'edgeName'
  | 'names'
  | 'geometryStart'
  | 'geometryLon'
  | 'geometryLat'
>;

/** The node an arc leaves. */
export function arcTail(graph: RoadGraph, arc: number): number {
  const edge = arc >>> 1;
  return arc & 1 ? graph.edgeTo[edge]! : graph.edgeFrom[edge]!;
}

/** The node an arc enters. */
export function arcHead(graph: RoadGraph, arc: number): number {
  const edge = arc >>> 1;
  return arc & 1 ? graph.edgeFrom[edge]! : graph.edgeTo[edge]!;
}

/** Travel times by class and the arc adjacencies for a graph's data. Checks the parts agree. */
export function roadGraph(parts: RoadGraphParts, speeds: RoadSpeeds = DEFAULT_ROAD_SPEEDS): RoadGraph {
  const nodeCount = parts.nodeLon.length;
  const edgeCount = parts.edgeFrom.length;
  const sameLength = [parts.edgeTo, parts.edgeMetres, parts.edgeClass, parts.edgeDirections, parts.edgeName].every((a) => a.length === edgeCount);
  if (
    parts.nodeLat.length !== nodeCount ||
    !sameLength ||
    parts.geometryStart.length !== edgeCount + 1 ||
    parts.geometryStart[edgeCount] !== parts.geometryLon.length ||
    parts.geometryLat.length !== parts.geometryLon.length
  )
    throw new RangeError('road graph: node, edge or geometry arrays differ in length');
  for (let e = 0; e < edgeCount; e++) {
    if (parts.edgeFrom[e]! >= nodeCount || parts.edgeTo[e]! >= nodeCount) throw new RangeError(`road graph: edge ${e} refers to a node that does not exist`);
    if (parts.edgeClass[e]! >= parts.classes.length || parts.edgeName[e]! >= parts.names.length)
      throw new RangeError(`road graph: edge ${e} refers to a class or name that does not exist`);
    if (parts.geometryStart[e + 1]! - parts.geometryStart[e]! < 2) throw new RangeError(`road graph: edge ${e} has fewer than 2 vertices`);
  }
  const classSpeeds = parts.classes.map((c) => metresPerSecond(speeds.byClass[c] ?? speeds.fallback, `class "${c}"`));
  const edgeSeconds = new Float64Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) edgeSeconds[e] = parts.edgeMetres[e]! / classSpeeds[parts.edgeClass[e]!]!;

  const outDegree = new Uint32Array(nodeCount + 1);
  const inDegree = new Uint32Array(nodeCount + 1);
  const allowed = (arc: number): boolean => (parts.edgeDirections[arc >>> 1]! & (arc & 1 ? BACKWARD : FORWARD)) !== 0;
  const tail = (arc: number): number => (arc & 1 ? parts.edgeTo[arc >>> 1]! : parts.edgeFrom[arc >>> 1]!);
  const head = (arc: number): number => (arc & 1 ? parts.edgeFrom[arc >>> 1]! : parts.edgeTo[arc >>> 1]!);
  for (let arc = 0; arc < edgeCount * 2; arc++) {
    if (!allowed(arc)) continue;
    outDegree[tail(arc) + 1]!++;
    inDegree[head(arc) + 1]!++;
  }
  const outStart = new Uint32Array(nodeCount + 1);
  const inStart = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) {
    outStart[n + 1] = outStart[n]! + outDegree[n + 1]!;
    inStart[n + 1] = inStart[n]! + inDegree[n + 1]!;
  }
  const outArcs = new Uint32Array(outStart[nodeCount]!);
  const inArcs = new Uint32Array(inStart[nodeCount]!);
  const outFill = outStart.slice(0, nodeCount);
  const inFill = inStart.slice(0, nodeCount);
  for (let arc = 0; arc < edgeCount * 2; arc++) {
    if (!allowed(arc)) continue;
    outArcs[outFill[tail(arc)]!++] = arc;
    inArcs[inFill[head(arc)]!++] = arc;
  }
  return { nodeCount, ...parts, edgeSeconds, outStart, outArcs, inStart, inArcs };
}
