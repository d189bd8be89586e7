/**
 * Douglas–Peucker simplification of an open ring (x, y pairs, last point != first): keeps the
 * vertices without which the outline would move more than `tolerance` (in the ring's units),
 * so every dropped vertex lies within `tolerance` of the result. The ring is cut at its first
 * vertex and the vertex farthest from it, and each half simplified as a polyline (iteratively:
 * no recursion depth to overflow on a million vertices). Distances are measured with x and y
 * multiplied by `scaleX`, `scaleY` (e.g. metres per degree for lon/lat); the kept vertices are
 * the input's, unchanged.
 */
export function simplifyRing(ring: ArrayLike<number>, tolerance: number, scaleX = 1, scaleY = 1): Float64Array {
  const n = ring.length / 2;
  if (n <= 3) return Float64Array.from(ring);
  let far = 0;
  let farDistance = -1;
  for (let i = 1; i < n; i++) {
    const d = ((ring[2 * i]! - ring[0]!) * scaleX) ** 2 + ((ring[2 * i + 1]! - ring[1]!) * scaleY) ** 2;
    if (d > farDistance) {
      farDistance = d;
      far = i;
    }
  }
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[far] = 1;
  const squared = tolerance * tolerance;
  // Ranges [first, last] of vertex indices, the ring's end wrapping to vertex 0 (index n).
  const stack: number[] = [0, far, far, n];
  while (stack.length > 0) {
    const last = stack.pop()!;
    const first = stack.pop()!;
    const ax = ring[2 * first]! * scaleX,
      ay = ring[2 * first + 1]! * scaleY;
    const bx = ring[2 * (last % n)]! * scaleX,
      by = ring[2 * (last % n) + 1]! * scaleY;
    let worst = -1;
    let worstDistance = squared;
    for (let i = first + 1; i < last; i++) {
      const d = squaredDistanceToSegment(ring[2 * i]! * scaleX, ring[2 * i + 1]! * scaleY, ax, ay, bx, by);
      if (d > worstDistance) {
        worstDistance = d;
        worst = i;
      }
    }
    if (worst < 0) continue;
    // Any vertex beyond the tolerance may split the range (what is dropped is still within the
    // tolerance of what is kept); the farthest is best, but one near an end would make dense
    // zigzags quadratic, so those ranges are split in the middle: O(n log n) whatever the ring.
    const quarter = (last - first) >> 2;
    const split = worst - first >= quarter && last - worst >= quarter ? worst : (first + last) >> 1;
    keep[split] = 1;
    stack.push(first, split, split, last);
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += keep[i]!;
  const out = new Float64Array(count * 2);
  for (let i = 0, k = 0; i < n; i++) {
    if (!keep[i]) continue;
    out[k++] = ring[2 * i]!;
    out[k++] = ring[2 * i + 1]!;
  }
  return out;
}

function squaredDistanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax,
    dy = by - ay;
  const length = dx * dx + dy * dy;
  let t = length > 0 ? ((px - ax) * dx + (py - ay) * dy) / length : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const x = ax + t * dx - px,
    y = ay + t * dy - py;
  return x * x + y * y;
}
