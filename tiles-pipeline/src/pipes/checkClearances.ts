import Flatbush from 'flatbush';
import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import { clearanceRule, type ClearanceRule, GB50289_SOURCE, HORIZONTAL_CLEARANCES, VERTICAL_CLEARANCES } from './gb50289Clearances.js';
import type { PipeSegment } from './PipeFeatures.js';
import { horizontalHalfSize, segmentCentreDepths, verticalHalfSize } from './segmentCentreDepths.js';

export interface ClearanceConflict {
  type: 'horizontal' | 'vertical';
  a: string;
  b: string;
  categories: [string, string];
  /** Required and actual clear distance (outer wall to outer wall), metres. */
  required: number;
  actual: number;
  lon: number;
  lat: number;
}

/** Pipes closer to parallel than this angle are checked side by side, steeper ones as crossings. */
const PARALLEL_COS = Math.cos((30 * Math.PI) / 180);
/** Side-by-side runs shorter than this are not "parallel" (they are passing near a crossing). */
const MIN_PARALLEL_RUN = 2;
const SEARCH = 3; // metres: more than any rule plus rounding

/**
 * GB 50289 clearance check between pipes: horizontal clear distance where two pipes of
 * different categories run side by side, vertical clear distance where two pipes cross
 * (including same-category crossings the table lists). Clear distances are wall to wall
 * (centre distance minus both half sizes). One finding per pair and type, the worst spot.
 * A static R-tree over every straight piece keeps it near-linear: 100k segments in seconds.
 */
export function checkClearances(segments: readonly PipeSegment[]): { conflicts: ClearanceConflict[]; source: string; pairsChecked: number } {
  const lat0 = segments.length ? segments[0]!.lonLat[1]! : 0;
  const lon0 = segments.length ? segments[0]!.lonLat[0]! : 0;
  const scale = metresPerDegree(lat0);
  // Every straight piece of every segment, flat: segment, then x0 y0 z0 x1 y1 z1 (metres).
  let pieceCount = 0;
  const depthsOf = segments.map((segment) => {
    const depths = segmentCentreDepths(segment);
    pieceCount += depths.length - 1;
    return depths;
  });
  const pieceSegment = new Uint32Array(pieceCount);
  const coords = new Float64Array(pieceCount * 6);
  let k = 0;
  segments.forEach((segment, s) => {
    const depths = depthsOf[s]!;
    const line = segment.lonLat;
    for (let i = 0; i + 1 < depths.length; i++, k++) {
      pieceSegment[k] = s;
      coords[k * 6] = (line[i * 2]! - lon0) * scale.lon;
      coords[k * 6 + 1] = (line[i * 2 + 1]! - lat0) * scale.lat;
      coords[k * 6 + 2] = depths[i]!;
      coords[k * 6 + 3] = (line[i * 2 + 2]! - lon0) * scale.lon;
      coords[k * 6 + 4] = (line[i * 2 + 3]! - lat0) * scale.lat;
      coords[k * 6 + 5] = depths[i + 1]!;
    }
  });
  const piece = (i: number): Piece => ({
    x0: coords[i * 6]!,
    y0: coords[i * 6 + 1]!,
    z0: coords[i * 6 + 2]!,
    x1: coords[i * 6 + 3]!,
    y1: coords[i * 6 + 4]!,
    z1: coords[i * 6 + 5]!,
  });
  const conflicts = new Map<string, ClearanceConflict>();
  if (pieceCount === 0) return { conflicts: [], source: GB50289_SOURCE, pairsChecked: 0 };
  const index = new Flatbush(pieceCount);
  for (let i = 0; i < pieceCount; i++) {
    const c = i * 6;
    index.add(
      Math.min(coords[c]!, coords[c + 3]!),
      Math.min(coords[c + 1]!, coords[c + 4]!),
      Math.max(coords[c]!, coords[c + 3]!),
      Math.max(coords[c + 1]!, coords[c + 4]!),
    );
  }
  index.finish();
  let pairsChecked = 0;
  const record = (conflict: ClearanceConflict): void => {
    const key = `${conflict.type}|${conflict.a}|${conflict.b}`;
    const existing = conflicts.get(key);
    if (!existing || conflict.actual < existing.actual) conflicts.set(key, conflict);
  };
  const toLonLat = (x: number, y: number): [number, number] => [lon0 + x / scale.lon, lat0 + y / scale.lat];

  for (let ia = 0; ia < pieceCount; ia++) {
    const c = ia * 6;
    const found = index.search(
      Math.min(coords[c]!, coords[c + 3]!) - SEARCH,
      Math.min(coords[c + 1]!, coords[c + 4]!) - SEARCH,
      Math.max(coords[c]!, coords[c + 3]!) + SEARCH,
      Math.max(coords[c + 1]!, coords[c + 4]!) + SEARCH,
    );
    let a: Piece | undefined;
    for (const ib of found) {
      if (ib <= ia) continue;
      const sa = pieceSegment[ia]!;
      const sb = pieceSegment[ib]!;
      if (sa === sb) continue;
      const A = segments[sa]!;
      const B = segments[sb]!;
      // Pipes joined at a surveyed point are one network, not neighbours.
      if (A.category === B.category && sharesEnd(A, B)) continue;
      pairsChecked++;
      a ??= piece(ia);
      const b = piece(ib);
      const [first, second] = A.id < B.id ? [A, B] : [B, A];
      const ax = a.x1 - a.x0,
        ay = a.y1 - a.y0,
        bx = b.x1 - b.x0,
        by = b.y1 - b.y0;
      const la = Math.hypot(ax, ay),
        lb = Math.hypot(bx, by);
      if (la < 1e-6 || lb < 1e-6) continue;
      const cos = Math.abs(ax * bx + ay * by) / (la * lb);
      const crossing = intersection(a, b);
      if (crossing && cos < PARALLEL_COS) {
        const rule = clearanceRule(VERTICAL_CLEARANCES, A.category, B.category);
        if (!rule) continue;
        const za = a.z0 + (a.z1 - a.z0) * crossing.t;
        const zb = b.z0 + (b.z1 - b.z0) * crossing.u;
        const actual = Math.abs(za - zb) - verticalHalfSize(A) - verticalHalfSize(B);
        const required = metresOf(rule, A, B);
        if (actual < required) {
          const [lon, lat] = toLonLat(a.x0 + ax * crossing.t, a.y0 + ay * crossing.t);
          record({ type: 'vertical', a: first.id, b: second.id, categories: [first.category, second.category], required, actual: round(actual), lon, lat });
        }
      } else if (!crossing && cos >= PARALLEL_COS && A.category !== B.category) {
        const rule = clearanceRule(HORIZONTAL_CLEARANCES, A.category, B.category);
        if (!rule) continue;
        // Side by side only where their projections overlap over a real run.
        const overlap = projectedOverlap(a, b);
        if (overlap < MIN_PARALLEL_RUN) continue;
        const { distance, x, y } = segmentDistance(a, b);
        const actual = distance - horizontalHalfSize(A) - horizontalHalfSize(B);
        const required = metresOf(rule, A, B);
        if (actual < required) {
          const [lon, lat] = toLonLat(x, y);
          record({ type: 'horizontal', a: first.id, b: second.id, categories: [first.category, second.category], required, actual: round(actual), lon, lat });
        }
      }
    }
  }
  const sorted = [...conflicts.values()].sort((p, q) => p.a.localeCompare(q.a) || p.b.localeCompare(q.b) || p.type.localeCompare(q.type));
  return { conflicts: sorted, source: GB50289_SOURCE, pairsChecked };
}

function metresOf(rule: ClearanceRule, a: PipeSegment, b: PipeSegment): number {
  if (typeof rule.metres === 'number') return rule.metres;
  const [first] = rule.between;
  const ordered: [PipeSegment, PipeSegment] = a.category === first ? [a, b] : [b, a];
  const pressure = String(
    ordered.find((s) => s.category === 'RQ')?.attributes['压力'] ?? ordered.find((s) => s.category === 'RQ')?.attributes['pressure'] ?? '',
  );
  const gasPressure = /次高压A|subHighA/i.test(pressure)
    ? 'subHighA'
    : /次高压|subHigh/i.test(pressure)
      ? 'subHighB'
      : /低压|low/i.test(pressure)
        ? 'low'
        : 'medium';
  return rule.metres({ diameters: [ordered[0].diameter ?? 0, ordered[1].diameter ?? 0], gasPressure });
}

function sharesEnd(a: PipeSegment, b: PipeSegment): boolean {
  return (
    (a.fromPoint !== undefined && (a.fromPoint === b.fromPoint || a.fromPoint === b.toPoint)) ||
    (a.toPoint !== undefined && (a.toPoint === b.fromPoint || a.toPoint === b.toPoint))
  );
}

type Piece = { x0: number; y0: number; z0: number; x1: number; y1: number; z1: number };
type Piece2 = { x0: number; y0: number; x1: number; y1: number };

function intersection(a: Piece2, b: Piece2): { t: number; u: number } | undefined {
  const rx = a.x1 - a.x0,
    ry = a.y1 - a.y0,
    sx = b.x1 - b.x0,
    sy = b.y1 - b.y0;
  const denominator = rx * sy - ry * sx;
  if (Math.abs(denominator) < 1e-12) return undefined;
  const qx = b.x0 - a.x0,
    qy = b.y0 - a.y0;
  const t = (qx * sy - qy * sx) / denominator;
  const u = (qx * ry - qy * rx) / denominator;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? { t, u } : undefined;
}

function projectedOverlap(a: Piece2, b: Piece2): number {
  const dx = a.x1 - a.x0,
    dy = a.y1 - a.y0;
  const length = Math.hypot(dx, dy);
  const project = (x: number, y: number): number => ((x - a.x0) * dx + (y - a.y0) * dy) / length;
  const p0 = project(b.x0, b.y0),
    p1 = project(b.x1, b.y1);
  return Math.min(length, Math.max(p0, p1)) - Math.max(0, Math.min(p0, p1));
}

function segmentDistance(a: Piece2, b: Piece2): { distance: number; x: number; y: number } {
  let best = { distance: Infinity, x: 0, y: 0 };
  const consider = (px: number, py: number, s: Piece2): void => {
    const dx = s.x1 - s.x0,
      dy = s.y1 - s.y0;
    const t = Math.max(0, Math.min(1, ((px - s.x0) * dx + (py - s.y0) * dy) / (dx * dx + dy * dy)));
    const d = Math.hypot(px - (s.x0 + t * dx), py - (s.y0 + t * dy));
    if (d < best.distance) best = { distance: d, x: px, y: py };
  };
  consider(a.x0, a.y0, b);
  consider(a.x1, a.y1, b);
  consider(b.x0, b.y0, a);
  consider(b.x1, b.y1, a);
  return best;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
