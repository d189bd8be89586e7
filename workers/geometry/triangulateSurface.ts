import earcut from 'earcut';
import { MeshAccumulator } from './MeshAccumulator.js';
import { firstTriangleIsClockwise } from './firstTriangleIsClockwise.js';

/**
 * Triangulates one planar 3D surface (outer ring + holes; points in local metres, stride 3)
 * and appends it flat-shaded. The ring is projected onto the plane of its Newell normal, the
 * robust choice for slightly non-planar survey polygons. Returns false for a degenerate surface.
 */
export function triangulateSurface(mesh: MeshAccumulator, xyz: Float64Array, ringStarts: readonly number[], featureId: number, surface: number): boolean {
  const pointCount = xyz.length / 3;
  const outerEnd = ringStarts.length > 1 ? ringStarts[1]! : pointCount;
  let nx = 0;
  let ny = 0;
  let nz = 0;
  for (let i = 0; i < outerEnd; i++) {
    const j = i + 1 < outerEnd ? i + 1 : 0;
    const xi = xyz[3 * i]!,
      yi = xyz[3 * i + 1]!,
      zi = xyz[3 * i + 2]!;
    const xj = xyz[3 * j]!,
      yj = xyz[3 * j + 1]!,
      zj = xyz[3 * j + 2]!;
    nx += (yi - yj) * (zi + zj);
    ny += (zi - zj) * (xi + xj);
    nz += (xi - xj) * (yi + yj);
  }
  const length = Math.hypot(nx, ny, nz);
  if (!(length > 1e-12)) return false;
  nx /= length;
  ny /= length;
  nz /= length;

  // An orthonormal basis (u, v) of the plane, with u x v = n so 2D winding matches 3D winding.
  let ux: number, uy: number, uz: number;
  if (Math.abs(nz) < 0.9) {
    ux = -ny;
    uy = nx;
    uz = 0;
  } else {
    ux = 0;
    uy = -nz;
    uz = ny;
  }
  const ul = Math.hypot(ux, uy, uz);
  ux /= ul;
  uy /= ul;
  uz /= ul;
  const vx = ny * uz - nz * uy;
  const vy = nz * ux - nx * uz;
  const vz = nx * uy - ny * ux;

  const flat = new Float64Array(pointCount * 2);
  for (let i = 0; i < pointCount; i++) {
    const x = xyz[3 * i]!,
      y = xyz[3 * i + 1]!,
      z = xyz[3 * i + 2]!;
    flat[2 * i] = x * ux + y * uy + z * uz;
    flat[2 * i + 1] = x * vx + y * vy + z * vz;
  }
  const triangles = earcut(flat, ringStarts.slice(1), 2);
  if (triangles.length === 0) return false;
  mesh.reserve(pointCount, triangles.length);
  const base = mesh.vertexCount;
  for (let i = 0; i < pointCount; i++) {
    mesh.vertex(xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!, nx, ny, nz, featureId, surface);
  }
  // earcut's orientation is arbitrary; keep triangles facing along the surface normal.
  const flip = firstTriangleIsClockwise(flat, triangles);
  for (let t = 0; t < triangles.length; t += 3) {
    const a = base + triangles[t]!,
      b = base + triangles[t + 1]!,
      c = base + triangles[t + 2]!;
    if (flip) mesh.triangle(a, c, b);
    else mesh.triangle(a, b, c);
  }
  return true;
}
