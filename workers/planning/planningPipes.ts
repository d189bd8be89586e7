import Flatbush from 'flatbush';
import { NETWORK_FORMAT, NETWORK_VERSION, type NetworkDocument } from '../formats/networkDocument.js';
import { metresPerDegree } from '../geometry/geodesy.js';
import { pipeCategoryOf } from '../standards/cjj61Categories.js';
import { type GasPressureCode, gasPressureClass } from '../standards/gb50028GasPressure.js';
import type { ClearancePipe } from '../standards/gb50289PieceCheck.js';

/**
 * Every pipe of network.json as columns the planner's pipe kernels query (cross-section,
 * profile, excavation, trace): plan geometry in a local plane (metres east and north of the
 * document's first node, exact to millimetres over a district), depths of crown and invert and
 * the ground at both ends, sections, and a static R-tree (flatbush) over every straight piece.
 * Built once per planning worker (planning.loadPipes) and kept.
 */
export interface PlanningPipes {
  ids: string[];
  indexOfId: Map<string, number>;
  category: string[];
  from: Uint32Array;
  to: Uint32Array;
  nodeIds: string[];
  /** Vertices of pipe p (from node, bends, to node): x[k], y[k] for k in vertexStart[p] .. vertexStart[p + 1]. */
  vertexStart: Uint32Array;
  x: Float64Array;
  y: Float64Array;
  /** Plan length from the pipe's start to each vertex, and each pipe's plan length (m). */
  along: Float64Array;
  length: Float64Array;
  depthTopFrom: Float64Array;
  depthTopTo: Float64Array;
  depthBottomFrom: Float64Array;
  depthBottomTo: Float64Array;
  groundFrom: Float64Array;
  groundTo: Float64Array;
  /** Diameter (m), NaN for a box section. */
  diameter: Float64Array;
  /** The section's width and height (m): the diameter for round pipes. */
  width: Float64Array;
  height: Float64Array;
  material: (string | null)[];
  owner: (string | null)[];
  /** A gas pipe's pressure class (GB 50028), null for other pipes and where the survey says nothing. */
  gasPressure: (GasPressureCode | null)[];
  /** Connected network of each pipe (pipes joined at nodes): one pipeline, no clearance to itself (GB 50289). */
  pipeline: Uint32Array;
  /** Pipes at each node (CSR): nodePipes[nodeStart[n] .. nodeStart[n + 1]). */
  nodeStart: Uint32Array;
  nodePipes: Uint32Array;
  /** 1 where a valve sits on the node, or the pipe is a valve link. */
  valveNode: Uint8Array;
  valvePipe: Uint8Array;
  /** What the GB 50289 rules need of each pipe. */
  clearance: ClearancePipe[];
  /** The straight pieces: the pipe and first vertex (index into x, y) of each, in the R-tree's order. */
  piecePipe: Uint32Array;
  pieceVertex: Uint32Array;
  index: Flatbush;
  /** The local plane: origin and metres per degree. */
  lon0: number;
  lat0: number;
  metresPerLon: number;
  metresPerLat: number;
}

/** Builds the planner's pipe columns from network.json; a document without depths (written before issue 16) is refused. */
export function planningPipesFromDocument(doc: NetworkDocument): PlanningPipes {
  if (doc.format !== NETWORK_FORMAT || doc.version !== NETWORK_VERSION)
    throw new Error(`not a cim-twin-network v1 document (format ${String(doc.format)}, version ${String(doc.version)})`);
  const e = doc.edges;
  const count = e.id.length;
  const { depthTopFrom, depthTopTo, depthBottomFrom, depthBottomTo } = e;
  if (!depthTopFrom || !depthTopTo || !depthBottomFrom || !depthBottomTo)
    throw new Error('network.json has no crown and invert depths (depthTopFrom…): it was built before the planner tools; rebuild the pipes (cim-twin pipes)');
  const nodeCount = doc.nodes.id.length;
  const lon0 = nodeCount ? doc.nodes.lon[0]! : 0;
  const lat0 = nodeCount ? doc.nodes.lat[0]! : 0;
  const scale = metresPerDegree(lat0);
  const vertexStart = new Uint32Array(count + 1);
  for (let p = 0; p < count; p++) vertexStart[p + 1] = vertexStart[p]! + 2 + (e.bends?.[p]?.length ?? 0) / 2;
  const vertexCount = vertexStart[count]!;
  const x = new Float64Array(vertexCount);
  const y = new Float64Array(vertexCount);
  const along = new Float64Array(vertexCount);
  const length = new Float64Array(count);
  const pieceCount = vertexCount - count;
  const piecePipe = new Uint32Array(pieceCount);
  const pieceVertex = new Uint32Array(pieceCount);
  const index = new Flatbush(Math.max(pieceCount, 1));
  let piece = 0;
  for (let p = 0; p < count; p++) {
    let k = vertexStart[p]!;
    const put = (lon: number, lat: number): void => {
      x[k] = (lon - lon0) * scale.lon;
      y[k] = (lat - lat0) * scale.lat;
      k++;
    };
    put(doc.nodes.lon[e.from[p]!]!, doc.nodes.lat[e.from[p]!]!);
    const bends = e.bends?.[p];
    if (bends) for (let b = 0; b < bends.length; b += 2) put(bends[b]!, bends[b + 1]!);
    put(doc.nodes.lon[e.to[p]!]!, doc.nodes.lat[e.to[p]!]!);
    for (let v = vertexStart[p]!; v + 1 < vertexStart[p + 1]!; v++) {
      along[v + 1] = along[v]! + Math.hypot(x[v + 1]! - x[v]!, y[v + 1]! - y[v]!);
      index.add(Math.min(x[v]!, x[v + 1]!), Math.min(y[v]!, y[v + 1]!), Math.max(x[v]!, x[v + 1]!), Math.max(y[v]!, y[v + 1]!));
      piecePipe[piece] = p;
      pieceVertex[piece] = v;
      piece++;
    }
    length[p] = along[vertexStart[p + 1]! - 1]!;
  }
  if (pieceCount === 0) index.add(0, 0, 0, 0);
  index.finish();

  const diameter = Float64Array.from(e.diameter, (d) => d ?? NaN);
  const width = Float64Array.from({ length: count }, (_, p) => e.width?.[p] ?? e.diameter[p] ?? 0.2);
  const height = Float64Array.from({ length: count }, (_, p) => e.height?.[p] ?? e.diameter[p] ?? 0.2);
  const zeros = (): number[] => new Array<number>(count).fill(0);

  // Pipes per node (CSR) and each pipe's connected network (union-find over the nodes).
  const nodeStart = new Uint32Array(nodeCount + 1);
  for (let p = 0; p < count; p++) {
    nodeStart[e.from[p]! + 1]!++;
    nodeStart[e.to[p]! + 1]!++;
  }
  for (let n = 0; n < nodeCount; n++) nodeStart[n + 1] = nodeStart[n + 1]! + nodeStart[n]!;
  const fill = nodeStart.slice(0, nodeCount);
  const nodePipes = new Uint32Array(count * 2);
  const parent = Uint32Array.from({ length: nodeCount }, (_, n) => n);
  const root = (n: number): number => {
    while (parent[n] !== n) n = parent[n] = parent[parent[n]!]!;
    return n;
  };
  for (let p = 0; p < count; p++) {
    nodePipes[fill[e.from[p]!]!++] = p;
    nodePipes[fill[e.to[p]!]!++] = p;
    parent[root(e.from[p]!)] = root(e.to[p]!);
  }
  const pipeline = Uint32Array.from({ length: count }, (_, p) => root(e.from[p]!));
  const valveNode = new Uint8Array(nodeCount);
  const valvePipe = new Uint8Array(count);
  for (const valve of doc.valves) {
    if (valve.node !== undefined) valveNode[valve.node] = 1;
    if (valve.edge !== undefined) valvePipe[valve.edge] = 1;
  }
  const gasPressure = e.gasPressure ?? new Array<null>(count).fill(null);
  const clearance: ClearancePipe[] = e.id.map((_, p) => {
    const pressure = gasPressure[p];
    return {
      category: e.category[p]!,
      verticalHalf: height[p]! / 2,
      horizontalHalf: width[p]! / 2,
      diameter: e.diameter[p] ?? 0,
      // GB 50289's tables by the class the survey gives; "medium" where it says nothing (as the pipeline's check).
      gasPressure: pressure ? gasPressureClass(pressure).gb50289 : 'medium',
    };
  });
  return {
    ids: e.id,
    indexOfId: new Map(e.id.map((id, p) => [id, p])),
    category: e.category,
    from: Uint32Array.from(e.from),
    to: Uint32Array.from(e.to),
    nodeIds: doc.nodes.id,
    vertexStart,
    x,
    y,
    along,
    length,
    depthTopFrom: Float64Array.from(depthTopFrom),
    depthTopTo: Float64Array.from(depthTopTo),
    depthBottomFrom: Float64Array.from(depthBottomFrom),
    depthBottomTo: Float64Array.from(depthBottomTo),
    groundFrom: Float64Array.from(e.groundFrom ?? zeros()),
    groundTo: Float64Array.from(e.groundTo ?? zeros()),
    diameter,
    width,
    height,
    material: e.material ?? new Array<null>(count).fill(null),
    owner: e.owner ?? new Array<null>(count).fill(null),
    gasPressure,
    pipeline,
    nodeStart,
    nodePipes,
    valveNode,
    valvePipe,
    clearance,
    piecePipe,
    pieceVertex,
    index,
    lon0,
    lat0,
    metresPerLon: scale.lon,
    metresPerLat: scale.lat,
  };
}

/** The pipe's index, or an Error naming the id. */
export function pipeIndexOf(pipes: PlanningPipes, id: unknown): number {
  if (typeof id !== 'string' || id === '') throw new Error(`a pipe id is a non-empty string; got ${JSON.stringify(id)}`);
  const p = pipes.indexOfId.get(id);
  if (p === undefined) throw new Error(`no pipe "${id}" in the network`);
  return p;
}

/** Crown, invert and ground at a fraction (0–1 by plan length) along a pipe: its end values interpolated. */
export function pipeDepthsAt(pipes: PlanningPipes, p: number, fraction: number): { top: number; bottom: number; ground: number } {
  const f = Math.max(0, Math.min(1, fraction));
  const lerp = (a: Float64Array, b: Float64Array): number => a[p]! + (b[p]! - a[p]!) * f;
  return {
    top: lerp(pipes.depthTopFrom, pipes.depthTopTo),
    bottom: lerp(pipes.depthBottomFrom, pipes.depthBottomTo),
    ground: lerp(pipes.groundFrom, pipes.groundTo),
  };
}

/** The fraction along its pipe of a point t (0–1) along the piece starting at vertex v. */
export function fractionAlong(pipes: PlanningPipes, p: number, v: number, t: number): number {
  const total = pipes.length[p]!;
  if (total <= 0) return 0;
  return (pipes.along[v]! + (pipes.along[v + 1]! - pipes.along[v]!) * t) / total;
}

/** Whether the pipe's category is surveyed at the invert (gravity drainage): its flow follows the invert. */
export function isGravity(category: string): boolean {
  return pipeCategoryOf(category)?.depthReference === 'bottom';
}

/** Local plane ↔ degrees. */
export function toLocal(pipes: PlanningPipes, lon: number, lat: number): [number, number] {
  return [(lon - pipes.lon0) * pipes.metresPerLon, (lat - pipes.lat0) * pipes.metresPerLat];
}

export function toLonLat(pipes: PlanningPipes, x: number, y: number): [number, number] {
  return [round(pipes.lon0 + x / pipes.metresPerLon, 1e8), round(pipes.lat0 + y / pipes.metresPerLat, 1e8)];
}

/** Rounded to 1/`per` (millimetres: 1000). */
export function round(value: number, per = 1000): number {
  return Math.round(value * per) / per || 0;
}

/**
 * A position given as `[lon, lat]` degrees, or an Error naming what is wrong with it (`what`:
 * "the line's point 2").
 */
export function checkLonLat(value: unknown, what: string): [number, number] {
  if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number')
    throw new Error(`${what} is ${JSON.stringify(value)?.slice(0, 60)}: a position is [lon, lat] in degrees`);
  const [lon, lat] = value as [number, number];
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)
    throw new Error(`${what} is [${lon}, ${lat}]: longitude −180…180, latitude −90…90 degrees`);
  return [lon, lat];
}
