import { EdgeOrder } from './EdgeOrder.js';

/** Below this many vertices the all-pairs test is quicker than a sweep. */
const SWEEP_ABOVE = 64;
/** The sweep's turn: a small angle no survey aligns its edges to. */
const COS = Math.cos(0.1234);
const SIN = Math.sin(0.1234);

/**
 * Whether an open ring (x, y pairs) has two non-adjacent edges that touch or cross, or visits
 * one place twice. Every ring is checked, whatever its size: small rings pair every edge with
 * every other (with a bounding-box reject), larger ones are swept (Shamos–Hoey).
 */
export function ringSelfIntersects(ring: ArrayLike<number>): boolean {
  const n = ring.length / 2;
  if (n < 4) return false;
  return n <= SWEEP_ABOVE ? allPairsIntersect(ring, n) : sweepIntersect(ring, n);
}

function allPairsIntersect(ring: ArrayLike<number>, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ax = ring[2 * i]!,
      ay = ring[2 * i + 1]!;
    const i2 = (i + 1) % n;
    const bx = ring[2 * i2]!,
      by = ring[2 * i2 + 1]!;
    const minX = Math.min(ax, bx),
      maxX = Math.max(ax, bx),
      minY = Math.min(ay, by),
      maxY = Math.max(ay, by);
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue; // adjacent through the closing edge
      const cx = ring[2 * j]!,
        cy = ring[2 * j + 1]!;
      const j2 = (j + 1) % n;
      const dx = ring[2 * j2]!,
        dy = ring[2 * j2 + 1]!;
      if (Math.max(cx, dx) < minX || Math.min(cx, dx) > maxX || Math.max(cy, dy) < minY || Math.min(cy, dy) > maxY) continue;
      if (segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy)) return true;
    }
  }
  return false;
}

/**
 * Shamos–Hoey: sweeps a vertical line across the ring, keeping the edges it crosses ordered
 * from bottom to top; two edges that cross must be neighbours in that order just before they
 * do, so only neighbours are tested, when they become neighbours. O(n log n) comparisons
 * whatever the shape (an index of edge boxes is quadratic on long jagged rings, whose boxes
 * all overlap). The order uses coordinates turned by a small angle, so that axis-parallel
 * edges of real outlines are never vertical to the sweep; the crossing tests use the ring's
 * own coordinates.
 */
function sweepIntersect(ring: ArrayLike<number>, n: number): boolean {
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = ring[2 * i]!,
      y = ring[2 * i + 1]!;
    u[i] = x * COS - y * SIN;
    v[i] = x * SIN + y * COS;
  }
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]! || v[a]! - v[b]!);
  // Two vertices at one place (not neighbours): the ring touches itself there. They sort together.
  for (let k = 1; k < n; k++) {
    const a = order[k - 1]!,
      b = order[k]!;
    if (u[a] === u[b] && v[a] === v[b] && ring[2 * a] === ring[2 * b] && ring[2 * a + 1] === ring[2 * b + 1]) return true;
  }
  // Edge e runs from vertex e to vertex e + 1: its ends as the sweep meets them, and its slope.
  const first = new Uint32Array(n);
  const last = new Uint32Array(n);
  const slope = new Float64Array(n);
  for (let e = 0; e < n; e++) {
    const f = e + 1 < n ? e + 1 : 0;
    const forward = u[e]! < u[f]! || (u[e] === u[f] && v[e]! < v[f]!);
    const a = forward ? e : f,
      b = forward ? f : e;
    first[e] = a;
    last[e] = b;
    const du = u[b]! - u[a]!;
    slope[e] = du === 0 ? Infinity : (v[b]! - v[a]!) / du;
  }
  /** Height of edge e on the sweep line at (su, sv); a vertical edge is where the sweep point is, clamped to it. */
  const height = (e: number, su: number, sv: number): number => {
    const a = first[e]!,
      b = last[e]!;
    const du = u[b]! - u[a]!;
    if (du === 0) return Math.min(Math.max(sv, v[a]!), v[b]!);
    return v[a]! + ((v[b]! - v[a]!) * (su - u[a]!)) / du;
  };
  const adjacent = (a: number, b: number): boolean => a === b || (a + 1) % n === b || (b + 1) % n === a;
  const crosses = (a: number, b: number): boolean => {
    const a2 = a + 1 < n ? a + 1 : 0,
      b2 = b + 1 < n ? b + 1 : 0;
    return segmentsIntersect(
      ring[2 * a]!,
      ring[2 * a + 1]!,
      ring[2 * a2]!,
      ring[2 * a2 + 1]!,
      ring[2 * b]!,
      ring[2 * b + 1]!,
      ring[2 * b2]!,
      ring[2 * b2 + 1]!,
    );
  };
  const status = new EdgeOrder(n);
  /** Tests e against its nearest neighbour each way, looking past ring-neighbours (they share a vertex, never a crossing). */
  const testAround = (e: number): boolean => {
    for (let f = status.below(e), k = 0; f !== -1 && k < 3; f = status.below(f), k++) {
      if (adjacent(e, f)) continue;
      if (crosses(e, f)) return true;
      break;
    }
    for (let f = status.above(e), k = 0; f !== -1 && k < 3; f = status.above(f), k++) {
      if (adjacent(e, f)) continue;
      if (crosses(e, f)) return true;
      break;
    }
    return false;
  };
  let su = 0,
    sv = 0,
    inserting = 0;
  const below = (_: number, f: number): boolean => {
    const h = height(f, su, sv);
    return h > sv || (h === sv && slope[f]! >= slope[inserting]!);
  };
  for (const vertex of order) {
    su = u[vertex]!;
    sv = v[vertex]!;
    const edges = [vertex === 0 ? n - 1 : vertex - 1, vertex];
    // Edges ending here leave the status first; their neighbours then meet.
    for (const e of edges) {
      if (last[e] !== vertex) continue;
      const lower = status.below(e);
      const upper = status.above(e);
      status.remove(e);
      if (lower !== -1 && upper !== -1 && (testAround(lower) || testAround(upper))) return true;
    }
    for (const e of edges) {
      if (first[e] !== vertex) continue;
      // Below every edge higher on the sweep line here (on a tie, below the steeper edge).
      inserting = e;
      status.insert(e, below);
      if (testAround(e)) return true;
    }
  }
  return false;
}

function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const o1 = orientation(ax, ay, bx, by, cx, cy);
  const o2 = orientation(ax, ay, bx, by, dx, dy);
  const o3 = orientation(cx, cy, dx, dy, ax, ay);
  const o4 = orientation(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  // Collinear overlaps count as touching.
  const on = (px: number, py: number, qx: number, qy: number, rx: number, ry: number): boolean =>
    Math.min(px, rx) <= qx && qx <= Math.max(px, rx) && Math.min(py, ry) <= qy && qy <= Math.max(py, ry);
  return (
    (o1 === 0 && on(ax, ay, cx, cy, bx, by)) ||
    (o2 === 0 && on(ax, ay, dx, dy, bx, by)) ||
    (o3 === 0 && on(cx, cy, ax, ay, dx, dy)) ||
    (o4 === 0 && on(cx, cy, bx, by, dx, dy))
  );
}
