import earcut from 'earcut';
import { MeshAccumulator, ROOF, WALL } from './MeshAccumulator.js';
import { firstTriangleIsClockwise } from './firstTriangleIsClockwise.js';

/**
 * Extrudes one polygon (outer ring + holes, in local metres, rings open: last point != first,
 * outer counter-clockwise and holes clockwise seen from above) into a flat-shaded prism from
 * `bottom` to `top`. The floor is left out: it faces the ground and is never seen from above.
 * Returns the number of roof triangles, 0 when the roof could not be triangulated.
 */
export function extrudeFootprint(
  mesh: MeshAccumulator,
  xy: Float64Array,
  ringStarts: readonly number[],
  bottom: number,
  top: number,
  featureId: number,
): number {
  const pointCount = xy.length / 2;
  const holeIndices = ringStarts.slice(1);
  const roof = earcut(xy, holeIndices, 2);
  mesh.reserve(pointCount * 5, roof.length + pointCount * 6);

  const roofBase = mesh.vertexCount;
  for (let i = 0; i < pointCount; i++) mesh.vertex(xy[2 * i]!, xy[2 * i + 1]!, top, 0, 0, 1, featureId, ROOF);
  // earcut keeps one orientation for all triangles; make it counter-clockwise (facing up).
  const flip = firstTriangleIsClockwise(xy, roof);
  for (let t = 0; t < roof.length; t += 3) {
    const a = roofBase + roof[t]!;
    const b = roofBase + roof[t + 1]!;
    const c = roofBase + roof[t + 2]!;
    if (flip) mesh.triangle(a, c, b);
    else mesh.triangle(a, b, c);
  }

  for (let r = 0; r < ringStarts.length; r++) {
    const start = ringStarts[r]!;
    const end = r + 1 < ringStarts.length ? ringStarts[r + 1]! : pointCount;
    for (let i = start; i < end; i++) {
      const j = i + 1 < end ? i + 1 : start;
      const x0 = xy[2 * i]!;
      const y0 = xy[2 * i + 1]!;
      const x1 = xy[2 * j]!;
      const y1 = xy[2 * j + 1]!;
      const dx = x1 - x0;
      const dy = y1 - y0;
      const length = Math.hypot(dx, dy);
      if (length === 0) continue;
      // Outward normal is to the right of the edge for a CCW outer ring (and a CW hole).
      const nx = dy / length;
      const ny = -dx / length;
      const a = mesh.vertex(x0, y0, bottom, nx, ny, 0, featureId, WALL);
      const b = mesh.vertex(x1, y1, bottom, nx, ny, 0, featureId, WALL);
      const c = mesh.vertex(x1, y1, top, nx, ny, 0, featureId, WALL);
      const d = mesh.vertex(x0, y0, top, nx, ny, 0, featureId, WALL);
      mesh.triangle(a, b, c);
      mesh.triangle(a, c, d);
    }
  }
  return roof.length / 3;
}
