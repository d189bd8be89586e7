import Flatbush from 'flatbush';

/** Below this many vertices the all-pairs test is quicker than building an index. */
const INDEXED_ABOVE = 64;

/**
 * Whether an open ring (x, y pairs) has two non-adjacent edges that touch or cross. Every ring
 * is checked, whatever its size: small rings pair every edge with every other (with a
 * bounding-box reject); larger ones look up each edge's neighbours in a static R-tree of the
 * edges (flatbush), O(n log n) for real footprints — a 1M-vertex ring in about a second.
 */
export function ringSelfIntersects(ring: ArrayLike<number>): boolean {
  const n = ring.length / 2;
  if (n < 4) return false;
  return n <= INDEXED_ABOVE ? allPairsIntersect(ring, n) : indexedIntersect(ring, n);
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

function indexedIntersect(ring: ArrayLike<number>, n: number): boolean {
  const index = new Flatbush(n);
  for (let i = 0; i < n; i++) {
    const j = i + 1 < n ? i + 1 : 0;
    const ax = ring[2 * i]!,
      ay = ring[2 * i + 1]!,
      bx = ring[2 * j]!,
      by = ring[2 * j + 1]!;
    index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
  }
  index.finish();
  for (let i = 0; i < n; i++) {
    const i2 = i + 1 < n ? i + 1 : 0;
    const ax = ring[2 * i]!,
      ay = ring[2 * i + 1]!,
      bx = ring[2 * i2]!,
      by = ring[2 * i2 + 1]!;
    const hit = index.collides(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by), (j) => {
      // Each pair once (j > i), and never an edge with itself or its neighbours.
      if (j <= i + 1 || (i === 0 && j === n - 1)) return false;
      const j2 = j + 1 < n ? j + 1 : 0;
      return segmentsIntersect(ax, ay, bx, by, ring[2 * j]!, ring[2 * j + 1]!, ring[2 * j2]!, ring[2 * j2 + 1]!);
    });
    if (hit) return true;
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
