import Flatbush from 'flatbush';
import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

export interface NetworkNode {
  /** The survey point's id, or "~<n>" for an end no point was surveyed at. */
  id: string;
  lon: number;
  lat: number;
  category: string;
  /** Index into the points array, when the node is a surveyed point. */
  point: number | undefined;
  degree: number;
}

export interface NetworkEdge {
  /** The segment's id (its `id` in the tiles' property table). */
  id: string;
  segment: number;
  from: number;
  to: number;
  /** Plan length along the line, metres. */
  length: number;
}

export interface TopologyIssue {
  code: 'DANGLING_NEAR' | 'DUPLICATE_NODE' | 'ZERO_LENGTH' | 'LINE_END_WITHOUT_POINT' | 'ENDPOINT_MISMATCH' | 'UNKNOWN_END_POINT';
  element: string;
  message: string;
  lon: number;
  lat: number;
}

export interface PipeNetwork {
  nodes: NetworkNode[];
  edges: NetworkEdge[];
  issues: TopologyIssue[];
}

export interface TopologyTolerances {
  /** Ends within this distance of a point (or another end) are the same node. */
  snap: number;
  /** Unconnected ends this close to another node probably should connect: reported. */
  dangling: number;
  /** Points of one category closer than this are duplicates. */
  duplicate: number;
  /** A line end this far from the point its id names is reported (the id still wins). */
  mismatch: number;
}

export const DEFAULT_TOLERANCES: TopologyTolerances = { snap: 0.05, dangling: 1.0, duplicate: 0.05, mismatch: 0.5 };

/**
 * Builds the network graph from surveyed segments and points: ends join the point their
 * 起点/终点编号 names, else a point of the same category at the same place, else another
 * segment's end there; what is left gets a virtual node. Reports what a surveyor should look
 * at: dangling ends near a node, duplicate points, zero-length segments, ends without points,
 * ends far from the point they name. Spatial look-ups use a static R-tree (flatbush) over the
 * points and a grid over the ends, so it stays linear-ish at 100k segments.
 */
export function buildPipeNetwork(
  segments: readonly PipeSegment[],
  points: readonly PipePoint[],
  tolerances: TopologyTolerances = DEFAULT_TOLERANCES,
): PipeNetwork {
  const issues: TopologyIssue[] = [];
  const nodes: NetworkNode[] = [];
  const edges: NetworkEdge[] = [];
  let latitudeSum = 0;
  for (const p of points) latitudeSum += p.lat;
  for (const s of segments) latitudeSum += s.lonLat[1]!;
  const lat0 = points.length + segments.length > 0 ? latitudeSum / (points.length + segments.length) : 0;
  const scale = metresPerDegree(lat0);
  const mx = (lon: number): number => lon * scale.lon;
  const my = (lat: number): number => lat * scale.lat;

  // Surveyed points: one node each, by category and id; duplicates reported.
  const pointNodes = new Map<string, Map<string, number>>();
  const pointNode = (category: string): Map<string, number> => {
    let byId = pointNodes.get(category);
    if (!byId) pointNodes.set(category, (byId = new Map()));
    return byId;
  };
  const index = new Flatbush(Math.max(points.length, 1));
  points.forEach((p) => index.add(mx(p.lon), my(p.lat), mx(p.lon), my(p.lat)));
  if (points.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  points.forEach((p, i) => {
    const byId = pointNode(p.category);
    if (byId.has(p.id)) {
      issues.push({ code: 'DUPLICATE_NODE', element: p.id, message: `point id ${p.id} (${p.category}) is used twice`, lon: p.lon, lat: p.lat });
      return;
    }
    const near = index
      .neighbors(mx(p.lon), my(p.lat), 2, tolerances.duplicate)
      .filter((j) => j !== i && j < points.length && points[j]!.category === p.category && j < i);
    if (near.length > 0) {
      issues.push({
        code: 'DUPLICATE_NODE',
        element: p.id,
        message: `point ${p.id} lies within ${tolerances.duplicate} m of point ${points[near[0]!]!.id} (${p.category})`,
        lon: p.lon,
        lat: p.lat,
      });
    }
    byId.set(p.id, nodes.length);
    nodes.push({ id: p.id, lon: p.lon, lat: p.lat, category: p.category, point: i, degree: 0 });
  });

  // Ends without a named point: snap to a point, else to an earlier end on a grid.
  const cell = Math.max(tolerances.snap, tolerances.dangling) * 2;
  // Numeric cell keys (a string key per look-up dominated the profile at 100k segments).
  const grid = new Map<number, number[]>();
  const cellKey = (cx: number, cy: number): number => cx * 4_194_304 + cy;
  const gridKey = (x: number, y: number): number => cellKey(Math.floor(x / cell), Math.floor(y / cell));
  const addToGrid = (node: number): void => {
    const n = nodes[node]!;
    const key = gridKey(mx(n.lon), my(n.lat));
    const list = grid.get(key);
    if (list) list.push(node);
    else grid.set(key, [node]);
  };
  nodes.forEach((_, i) => addToGrid(i));
  const nearby = (lon: number, lat: number, radius: number, category: string, exclude = -1): number[] => {
    const x = mx(lon),
      y = my(lat);
    const found: number[] = [];
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const node of grid.get(cellKey(Math.floor(x / cell) + dx, Math.floor(y / cell) + dy)) ?? []) {
          const n = nodes[node]!;
          if (node !== exclude && n.category === category && Math.hypot(mx(n.lon) - x, my(n.lat) - y) <= radius) found.push(node);
        }
      }
    }
    return found.sort((a, b) => a - b);
  };
  const distance = (a: { lon: number; lat: number }, lon: number, lat: number): number => Math.hypot(mx(a.lon) - mx(lon), my(a.lat) - my(lat));

  const endNode = (segment: PipeSegment, which: 'from' | 'to'): number => {
    const at = which === 'from' ? 0 : segment.lonLat.length - 2;
    const lon = segment.lonLat[at]!;
    const lat = segment.lonLat[at + 1]!;
    const named = which === 'from' ? segment.fromPoint : segment.toPoint;
    if (named !== undefined) {
      const node = pointNodes.get(segment.category)?.get(named);
      if (node !== undefined) {
        const d = distance(nodes[node]!, lon, lat);
        if (d > tolerances.mismatch)
          issues.push({
            code: 'ENDPOINT_MISMATCH',
            element: segment.id,
            message: `the ${which} end is ${d.toFixed(2)} m from point ${named}, which it names`,
            lon,
            lat,
          });
        return node;
      }
      issues.push({
        code: 'UNKNOWN_END_POINT',
        element: segment.id,
        message: `the ${which} end names point ${named}, which is not in the point table`,
        lon,
        lat,
      });
    }
    const snapped = nearby(lon, lat, tolerances.snap, segment.category)[0];
    if (snapped !== undefined) return snapped;
    const node = nodes.length;
    nodes.push({ id: `~${node}`, lon, lat, category: segment.category, point: undefined, degree: 0 });
    addToGrid(node);
    return node;
  };

  segments.forEach((segment, s) => {
    let length = 0;
    for (let i = 2; i < segment.lonLat.length; i += 2) {
      length += Math.hypot(mx(segment.lonLat[i]!) - mx(segment.lonLat[i - 2]!), my(segment.lonLat[i + 1]!) - my(segment.lonLat[i - 1]!));
    }
    // Reported, but kept: a zero-length link (a model's short connector) still connects.
    if (length < 0.01) {
      issues.push({
        code: 'ZERO_LENGTH',
        element: segment.id,
        message: `segment ${segment.id} is ${length.toFixed(3)} m long`,
        lon: segment.lonLat[0]!,
        lat: segment.lonLat[1]!,
      });
    }
    const from = endNode(segment, 'from');
    const to = endNode(segment, 'to');
    nodes[from]!.degree++;
    nodes[to]!.degree++;
    edges.push({ id: segment.id, segment: s, from, to, length: Math.round(length * 1000) / 1000 });
  });

  // Ends nobody surveyed a point for, and dangling ends that probably should connect.
  nodes.forEach((node, i) => {
    if (node.point !== undefined) return;
    issues.push({
      code: 'LINE_END_WITHOUT_POINT',
      element: node.id,
      message: `a ${node.category} line ends here without a surveyed point`,
      lon: node.lon,
      lat: node.lat,
    });
    if (node.degree !== 1) return;
    const near = nearby(node.lon, node.lat, tolerances.dangling, node.category, i);
    if (near.length > 0) {
      const other = nodes[near[0]!]!;
      issues.push({
        code: 'DANGLING_NEAR',
        element: node.id,
        message: `a dangling ${node.category} end ${distance(other, node.lon, node.lat).toFixed(2)} m from node ${other.id}: should they connect?`,
        lon: node.lon,
        lat: node.lat,
      });
    }
  });
  return { nodes, edges, issues };
}
