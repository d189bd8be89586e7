/** Orientation of the first non-degenerate triangle of an earcut result (2D, stride 2). */
export function firstTriangleIsClockwise(xy: Float64Array, triangles: number[]): boolean {
  for (let t = 0; t < triangles.length; t += 3) {
    const a = triangles[t]! * 2;
    const b = triangles[t + 1]! * 2;
    const c = triangles[t + 2]! * 2;
    const cross = (xy[b]! - xy[a]!) * (xy[c + 1]! - xy[a + 1]!) - (xy[b + 1]! - xy[a + 1]!) * (xy[c]! - xy[a]!);
    if (cross !== 0) return cross < 0;
  }
  return false;
}
