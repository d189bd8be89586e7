import Flatbush from 'flatbush';
import { LocalPlane } from '../spatial/LocalPlane.js';
import { BACKWARD, BOTH_WAYS, FORWARD, type RoadGraphParts } from './RoadGraph.js';
import type { RoadLines } from './RoadLines.js';

export interface RoadGraphBuildOptions {
  /**
   * Points closer than this (metres) are one node: a road end this close to another road joins
   * it (a T-junction drawn a little short), and crossings this close merge. Default 2 m.
   */
  snapMetres?: number;
}

/** What the builder did, for the report. */
export interface RoadGraphBuildStats {
  lines: number;
  /** Places where two centre lines cross (each counted once). */
  crossings: number;
  /** Road ends joined to a road within the snap distance (not counting ends that meet exactly). */
  snappedEnds: number;
  /** Edges dropped because both ends snapped into one node (they never shorten a route). */
  droppedLoops: number;
}

/**
 * Nodes the road centre lines where they cross, meet or end: every crossing of two lines, every
 * line end, and every line end within `snapMetres` of another line (which is split there)
 * become nodes, points within `snapMetres` of a node snap to it, and the lines are cut into
 * edges between consecutive nodes, keeping their vertices as the edges' polylines. Candidate
 * segment pairs come from a flatbush index of segment boxes, so the cost grows with the number
 * of segments and crossings, not with their square.
 */
export function buildRoadGraph(lines: RoadLines, options: RoadGraphBuildOptions = {}): { parts: RoadGraphParts; stats: RoadGraphBuildStats } {
  const snap = options.snapMetres ?? 2;
  if (!(snap >= 0)) throw new RangeError(`snapMetres must be >= 0, got ${snap}`);
  const lineCount = lines.vertexStart.length - 1;
  const vertexCount = lines.lon.length;
  const stats: RoadGraphBuildStats = { lines: lineCount, crossings: 0, snappedEnds: 0, droppedLoops: 0 };
  if (lineCount <= 0 || vertexCount === 0) throw new RangeError('road graph: no road lines');
  const plane = LocalPlane.around(lines.lon, lines.lat);
  const x = new Float64Array(vertexCount);
  const y = new Float64Array(vertexCount);
  for (let v = 0; v < vertexCount; v++) {
    x[v] = plane.x(lines.lon[v]!);
    y[v] = plane.y(lines.lat[v]!);
  }
  const lineOfVertex = new Uint32Array(vertexCount);
  for (let line = 0; line < lineCount; line++) lineOfVertex.fill(line, lines.vertexStart[line]!, lines.vertexStart[line + 1]!);

  // Segment k runs from vertex k to k + 1 when both are on one line.
  const segments: number[] = [];
  for (let line = 0; line < lineCount; line++) for (let v = lines.vertexStart[line]!; v + 1 < lines.vertexStart[line + 1]!; v++) segments.push(v);
  if (segments.length === 0) throw new RangeError('road graph: no road line has two vertices');
  const index = new Flatbush(segments.length);
  for (const v of segments)
    index.add(Math.min(x[v]!, x[v + 1]!) - snap, Math.min(y[v]!, y[v + 1]!) - snap, Math.max(x[v]!, x[v + 1]!) + snap, Math.max(y[v]!, y[v + 1]!) + snap);
  index.finish();

  // Cut points on segments (by the segment's first vertex): where a node goes inside a segment.
  const cutsOf = new Map<number, { t: number; x: number; y: number }[]>();
  const addCut = (v: number, t: number, px: number, py: number): void => {
    let cuts = cutsOf.get(v);
    if (!cuts) cutsOf.set(v, (cuts = []));
    cuts.push({ t, x: px, y: py });
  };
  const nodes = new NodeSnapper(snap);

  for (let i = 0; i < segments.length; i++) {
    const a = segments[i]!;
    const ax = x[a]!;
    const ay = y[a]!;
    const rx = x[a + 1]! - ax;
    const ry = y[a + 1]! - ay;
    for (const j of index.search(Math.min(ax, ax + rx), Math.min(ay, ay + ry), Math.max(ax, ax + rx), Math.max(ay, ay + ry))) {
      if (j <= i) continue;
      const b = segments[j]!;
      // Consecutive segments of one line share a vertex: not a crossing.
      if (lineOfVertex[a] === lineOfVertex[b] && Math.abs(a - b) <= 1) continue;
      const sx = x[b + 1]! - x[b]!;
      const sy = y[b + 1]! - y[b]!;
      const denominator = rx * sy - ry * sx;
      // Parallel (or degenerate) segments do not cross at a point; overlapping roads are not joined.
      if (Math.abs(denominator) < 1e-12 * Math.max(1, Math.hypot(rx, ry) * Math.hypot(sx, sy))) continue;
      const qx = x[b]! - ax;
      const qy = y[b]! - ay;
      const t = (qx * sy - qy * sx) / denominator;
      const u = (qx * ry - qy * rx) / denominator;
      if (t < 0 || t > 1 || u < 0 || u > 1) continue;
      const px = ax + t * rx;
      const py = ay + t * ry;
      // A crossing exactly through a vertex shows up on both segments around it: count it once.
      if (nodes.find(px, py, 1e-6) < 0) stats.crossings++;
      nodes.add(px, py);
      addCut(a, t, px, py);
      addCut(b, u, px, py);
    }
  }

  // Line ends: always nodes; one within the snap distance of another line splits that line.
  for (let line = 0; line < lineCount; line++) {
    const first = lines.vertexStart[line]!;
    const last = lines.vertexStart[line + 1]! - 1;
    if (last <= first) continue;
    for (const end of [first, last]) {
      const ex = x[end]!;
      const ey = y[end]!;
      let joined = false;
      for (const j of index.search(ex - snap, ey - snap, ex + snap, ey + snap)) {
        const b = segments[j]!;
        // The end's own segment, and (for a closed line) the one at its other end.
        if (lineOfVertex[b] === line && (b === end || b + 1 === end || (b === first && end === last) || (b + 1 === last && end === first))) continue;
        const sx = x[b + 1]! - x[b]!;
        const sy = y[b + 1]! - y[b]!;
        const lengthSquared = sx * sx + sy * sy;
        const u = lengthSquared > 0 ? Math.min(1, Math.max(0, ((ex - x[b]!) * sx + (ey - y[b]!) * sy) / lengthSquared)) : 0;
        const px = x[b]! + u * sx;
        const py = y[b]! + u * sy;
        const distance = Math.hypot(ex - px, ey - py);
        if (distance > snap) continue;
        if (distance > 1e-6) joined = true;
        // The projection becomes the node; the end snaps to it below.
        if (nodes.find(px, py, snap) < 0) nodes.add(px, py);
        addCut(b, u, px, py);
      }
      if (joined) stats.snappedEnds++;
      nodes.add(ex, ey);
    }
  }

  // Walk each line: its vertices and cut points in order, each a node or a plain vertex.
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeMetres: number[] = [];
  const edgeClass: number[] = [];
  const edgeDirections: number[] = [];
  const edgeName: number[] = [];
  const geometryStart: number[] = [0];
  const geometryX: number[] = [];
  const geometryY: number[] = [];
  for (let line = 0; line < lineCount; line++) {
    const first = lines.vertexStart[line]!;
    const last = lines.vertexStart[line + 1]! - 1;
    if (last <= first) continue;
    const direction = lines.oneway[line] === 1 ? FORWARD : lines.oneway[line] === -1 ? BACKWARD : BOTH_WAYS;
    let edgeStartNode = -1;
    let pointsX: number[] = [];
    let pointsY: number[] = [];
    const visit = (px: number, py: number, node: number): void => {
      if (node < 0) {
        pointsX.push(px);
        pointsY.push(py);
        return;
      }
      if (node === edgeStartNode && pointsX.length === 1) return; // the same node again: nothing between
      pointsX.push(nodes.x[node]!);
      pointsY.push(nodes.y[node]!);
      if (edgeStartNode >= 0) {
        let metres = 0;
        for (let k = 1; k < pointsX.length; k++) metres += Math.sqrt((pointsX[k]! - pointsX[k - 1]!) ** 2 + (pointsY[k]! - pointsY[k - 1]!) ** 2);
        if (node === edgeStartNode) stats.droppedLoops++;
        else {
          edgeFrom.push(edgeStartNode);
          edgeTo.push(node);
          edgeMetres.push(metres);
          edgeClass.push(lines.roadClass[line]!);
          edgeDirections.push(direction);
          edgeName.push(lines.name[line]!);
          for (let k = 0; k < pointsX.length; k++) {
            geometryX.push(pointsX[k]!);
            geometryY.push(pointsY[k]!);
          }
          geometryStart.push(geometryX.length);
        }
      }
      edgeStartNode = node;
      pointsX = [nodes.x[node]!];
      pointsY = [nodes.y[node]!];
    };
    for (let v = first; v <= last; v++) {
      // Ends are nodes; an inner vertex within the snap distance of a node passes through it.
      visit(x[v]!, y[v]!, nodes.find(x[v]!, y[v]!, snap));
      if (v === last) break;
      const cuts = cutsOf.get(v);
      if (cuts) {
        cuts.sort((p, q) => p.t - q.t);
        for (const cut of cuts) visit(cut.x, cut.y, nodes.find(cut.x, cut.y, snap));
      }
    }
  }

  const nodeCount = nodes.count;
  const nodeLon = new Float64Array(nodeCount);
  const nodeLat = new Float64Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) {
    nodeLon[n] = plane.lon(nodes.x[n]!);
    nodeLat[n] = plane.lat(nodes.y[n]!);
  }
  const geometryLon = Float64Array.from(geometryX, (value) => plane.lon(value));
  const geometryLat = Float64Array.from(geometryY, (value) => plane.lat(value));
  // An edge's polyline starts and ends exactly on its nodes (routes join without gaps).
  for (let e = 0; e < edgeFrom.length; e++) {
    geometryLon[geometryStart[e]!] = nodeLon[edgeFrom[e]!]!;
    geometryLat[geometryStart[e]!] = nodeLat[edgeFrom[e]!]!;
    geometryLon[geometryStart[e + 1]! - 1] = nodeLon[edgeTo[e]!]!;
    geometryLat[geometryStart[e + 1]! - 1] = nodeLat[edgeTo[e]!]!;
  }
  return {
    parts: {
      nodeLon,
      nodeLat,
      edgeFrom: Uint32Array.from(edgeFrom),
      edgeTo: Uint32Array.from(edgeTo),
      edgeMetres: Float64Array.from(edgeMetres),
      edgeClass: Uint8Array.from(edgeClass),
      classes: [...lines.classes],
      edgeDirections: Uint8Array.from(edgeDirections),
      edgeName: Uint32Array.from(edgeName),
      names: [...lines.names],
      geometryStart: Uint32Array.from(geometryStart),
      geometryLon,
      geometryLat,
    },
    stats,
  };
}

/** Node positions on a hash grid of snap-sized cells: the first point in a neighbourhood is its node. */
class NodeSnapper {
  readonly x: number[] = [];
  readonly y: number[] = [];
  private readonly cells = new Map<number, number[]>();
  private readonly cellSize: number;

  constructor(private readonly snap: number) {
    this.cellSize = Math.max(snap, 0.5);
  }

  get count(): number {
    return this.x.length;
  }

  /** The node within `within` metres of (px, py), nearest first; -1 when there is none. */
  find(px: number, py: number, within: number): number {
    const cx = Math.floor(px / this.cellSize);
    const cy = Math.floor(py / this.cellSize);
    const reach = Math.max(1, Math.ceil(within / this.cellSize));
    let best = -1;
    let bestDistance = within;
    for (let dx = -reach; dx <= reach; dx++)
      for (let dy = -reach; dy <= reach; dy++) {
        const cell = this.cells.get(cellKey(cx + dx, cy + dy));
        if (cell === undefined) continue;
        for (let k = 0; k < cell.length; k++) {
          const node = cell[k]!;
          const distance = Math.sqrt((this.x[node]! - px) ** 2 + (this.y[node]! - py) ** 2);
          if (distance <= bestDistance) {
            best = node;
            bestDistance = distance;
          }
        }
      }
    return best;
  }

  /** The node for a point: an existing one within the snap distance, else a new one. */
  add(px: number, py: number): number {
    const found = this.find(px, py, this.snap);
    if (found >= 0) return found;
    const node = this.x.length;
    this.x.push(px);
    this.y.push(py);
    const key = cellKey(Math.floor(px / this.cellSize), Math.floor(py / this.cellSize));
    const cell = this.cells.get(key);
    if (cell) cell.push(node);
    else this.cells.set(key, [node]);
    return node;
  }
}

/**
 * One small integer per grid cell (a V8 small integer hashes fast): cells 32,768 apart share a
 * key, which costs only extra distance checks.
 */
function cellKey(cx: number, cy: number): number {
  return ((cx & 0x7fff) << 15) | (cy & 0x7fff);
}
