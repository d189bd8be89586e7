import { describe, expect, it } from 'vitest';
import { extrudeFootprint } from './extrudeFootprint.js';
import { MeshAccumulator, ROOF, WALL } from './MeshAccumulator.js';

/** Signed area of the roof triangles seen from above (positive = facing up). */
function roofArea(mesh: MeshAccumulator): number {
  let area = 0;
  for (let t = 0; t < mesh.indexCount; t += 3) {
    const [a, b, c] = [mesh.indices[t]!, mesh.indices[t + 1]!, mesh.indices[t + 2]!];
    if (mesh.surfaces[a] !== ROOF) continue;
    const p = mesh.positions;
    area += ((p[b * 3]! - p[a * 3]!) * (p[c * 3 + 1]! - p[a * 3 + 1]!) - (p[b * 3 + 1]! - p[a * 3 + 1]!) * (p[c * 3]! - p[a * 3]!)) / 2;
  }
  return area;
}

describe('extrudeFootprint', () => {
  it('triangulates a square with a square hole: roof area is outer minus hole, facing up', () => {
    const mesh = new MeshAccumulator();
    // Outer 10x10 counter-clockwise, hole 4x4 clockwise.
    const xy = new Float64Array([0, 0, 10, 0, 10, 10, 0, 10, 3, 3, 3, 7, 7, 7, 7, 3]);
    const roofTriangles = extrudeFootprint(mesh, xy, [0, 4], 0, 12, 7);
    expect(roofTriangles).toBe(8); // 8 points with one hole -> n + 2h - 2 = 8
    expect(roofArea(mesh)).toBeCloseTo(100 - 16, 9);
    // 8 roof vertices + 8 walls x 4 vertices; 8 roof + 16 wall triangles.
    expect(mesh.vertexCount).toBe(8 + 32);
    expect(mesh.indexCount / 3).toBe(8 + 16);
    expect(Array.from(mesh.featureIds.subarray(0, mesh.vertexCount)).every((id) => id === 7)).toBe(true);
  });

  it('points wall normals away from the solid, also on hole walls', () => {
    const mesh = new MeshAccumulator();
    const xy = new Float64Array([0, 0, 10, 0, 10, 10, 0, 10, 3, 3, 3, 7, 7, 7, 7, 3]);
    extrudeFootprint(mesh, xy, [0, 4], 0, 12, 0);
    for (let v = 0; v < mesh.vertexCount; v++) {
      if (mesh.surfaces[v] !== WALL) continue;
      const x = mesh.positions[v * 3]!,
        y = mesh.positions[v * 3 + 1]!;
      const nx = mesh.normals[v * 3]!,
        ny = mesh.normals[v * 3 + 1]!;
      const onOuter = x === 0 || x === 10 || y === 0 || y === 10;
      // Outer walls face away from the centre (5, 5); hole walls face towards it.
      const outward = (x - 5) * nx + (y - 5) * ny;
      if (onOuter) expect(outward).toBeGreaterThan(0);
      else expect(outward).toBeLessThan(0);
    }
  });

  it('winds wall triangles so their geometric normal matches the stored normal', () => {
    const mesh = new MeshAccumulator();
    extrudeFootprint(mesh, new Float64Array([0, 0, 4, 0, 4, 3, 0, 3]), [0], 2, 5, 0);
    for (let t = 0; t < mesh.indexCount; t += 3) {
      const [a, b, c] = [mesh.indices[t]!, mesh.indices[t + 1]!, mesh.indices[t + 2]!];
      const p = (i: number, k: number): number => mesh.positions[i * 3 + k]!;
      const u = [p(b, 0) - p(a, 0), p(b, 1) - p(a, 1), p(b, 2) - p(a, 2)];
      const w = [p(c, 0) - p(a, 0), p(c, 1) - p(a, 1), p(c, 2) - p(a, 2)];
      const n = [u[1]! * w[2]! - u[2]! * w[1]!, u[2]! * w[0]! - u[0]! * w[2]!, u[0]! * w[1]! - u[1]! * w[0]!];
      const stored = [mesh.normals[a * 3]!, mesh.normals[a * 3 + 1]!, mesh.normals[a * 3 + 2]!];
      expect(n[0]! * stored[0]! + n[1]! * stored[1]! + n[2]! * stored[2]!).toBeGreaterThan(0);
    }
    const zs = Array.from(mesh.positions.subarray(0, mesh.vertexCount * 3)).filter((_, i) => i % 3 === 2);
    expect(Math.min(...zs)).toBe(2);
    expect(Math.max(...zs)).toBe(5);
  });
});
