/**
 * Whether an open ring (x, y pairs) has two non-adjacent edges that touch or cross.
 * Quadratic with a bounding-box reject: footprints have tens of vertices, not thousands;
 * beyond MAX_CHECKED_VERTICES the check is skipped rather than slowing the run.
 */
export const MAX_CHECKED_VERTICES = 2000;

export function ringSelfIntersects(ring: ArrayLike<number>): boolean {
  const n = ring.length / 2;
  if (n < 4 || n > MAX_CHECKED_VERTICES) return false;
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
