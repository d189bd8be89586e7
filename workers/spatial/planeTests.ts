/**
 * Exact tests between points, segments, boxes, circles and a polygon ring on a plane (metres).
 * A ring is a flat [x0, y0, x1, y1, …] list, closed implicitly (the last vertex joins the first).
 * Touching counts as meeting: a pipe along the edge of an area is in it.
 */

/** Whether a point is inside the ring or on its boundary (crossing number, boundary checked first). */
export function pointInRing(ring: Float64Array, px: number, py: number): boolean {
  const n = ring.length / 2;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]!;
    const yi = ring[2 * i + 1]!;
    const xj = ring[2 * j]!;
    const yj = ring[2 * j + 1]!;
    // On the boundary counts as inside; the distance is only worth computing inside the edge's box.
    if (
      px >= Math.min(xi, xj) - 1e-9 &&
      px <= Math.max(xi, xj) + 1e-9 &&
      py >= Math.min(yi, yj) - 1e-9 &&
      py <= Math.max(yi, yj) + 1e-9 &&
      pointSegmentDistance(px, py, xj, yj, xi, yi) <= 1e-9
    )
      return true;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from a point to the segment a–b. */
export function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
  return Math.sqrt((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2);
}

/** Whether segments a–b and c–d share a point (touching and collinear overlap included). */
export function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = orientation(cx, cy, dx, dy, ax, ay);
  const d2 = orientation(cx, cy, dx, dy, bx, by);
  const d3 = orientation(ax, ay, bx, by, cx, cy);
  const d4 = orientation(ax, ay, bx, by, dx, dy);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) ||
    (d2 === 0 && onSegment(cx, cy, dx, dy, bx, by)) ||
    (d3 === 0 && onSegment(ax, ay, bx, by, cx, cy)) ||
    (d4 === 0 && onSegment(ax, ay, bx, by, dx, dy))
  );
}

/** Whether the segment a–b has a point inside the ring or on it. */
export function segmentMeetsRing(ring: Float64Array, ax: number, ay: number, bx: number, by: number): boolean {
  if (pointInRing(ring, ax, ay) || pointInRing(ring, bx, by)) return true;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) if (segmentsMeet(ax, ay, bx, by, ring[2 * j]!, ring[2 * j + 1]!, ring[2 * i]!, ring[2 * i + 1]!)) return true;
  return false;
}

/** Whether an axis-aligned box meets the ring (a corner inside, a ring vertex inside the box, or crossing edges). */
export function boxMeetsRing(ring: Float64Array, minX: number, minY: number, maxX: number, maxY: number): boolean {
  if (ring.length >= 2 && ring[0]! >= minX && ring[0]! <= maxX && ring[1]! >= minY && ring[1]! <= maxY) return true;
  return (
    segmentMeetsRing(ring, minX, minY, maxX, minY) ||
    segmentMeetsRing(ring, maxX, minY, maxX, maxY) ||
    segmentMeetsRing(ring, maxX, maxY, minX, maxY) ||
    segmentMeetsRing(ring, minX, maxY, minX, minY)
  );
}

/** Distance from a point to an axis-aligned box (0 inside it). */
export function pointBoxDistance(px: number, py: number, minX: number, minY: number, maxX: number, maxY: number): number {
  const dx = Math.max(minX - px, 0, px - maxX);
  const dy = Math.max(minY - py, 0, py - maxY);
  return Math.sqrt(dx * dx + dy * dy);
}

function orientation(ax: number, ay: number, bx: number, by: number, px: number, py: number): number {
  const value = (bx - ax) * (py - ay) - (by - ay) * (px - ax);
  return value > 0 ? 1 : value < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return px >= Math.min(ax, bx) && px <= Math.max(ax, bx) && py >= Math.min(ay, by) && py <= Math.max(ay, by);
}
