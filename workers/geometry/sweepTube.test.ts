import { describe, expect, it } from 'vitest';
import { MeshAccumulator } from './MeshAccumulator.js';
import { sweepTube, tubeSegmentsForDiameter } from './sweepTube.js';

/** Distance from point p to the infinite line through a with direction d (unit). */
function distanceToLine(p: number[], a: number[], d: number[]): number {
  const v = [p[0]! - a[0]!, p[1]! - a[1]!, p[2]! - a[2]!];
  const t = v[0]! * d[0]! + v[1]! * d[1]! + v[2]! * d[2]!;
  return Math.hypot(v[0]! - t * d[0]!, v[1]! - t * d[1]!, v[2]! - t * d[2]!);
}

describe('sweepTube', () => {
  it('chooses more sides for larger pipes, within bounds', () => {
    expect(tubeSegmentsForDiameter(0.05)).toBe(7);
    expect(tubeSegmentsForDiameter(0.3)).toBeGreaterThan(tubeSegmentsForDiameter(0.1));
    expect(tubeSegmentsForDiameter(3)).toBe(24);
  });

  it('a straight sloping pipe: every wall vertex at the radius from the axis, the depth kept', () => {
    const mesh = new MeshAccumulator();
    // 100 m of DN600 sewer from 2.5 m to 3.0 m deep (centre line).
    sweepTube(mesh, new Float64Array([0, 0, -2.5, 100, 0, -3.0]), 0.3, 16, 0, 1, false);
    const d = [100 / Math.hypot(100, 0.5), 0, -0.5 / Math.hypot(100, 0.5)];
    for (let v = 0; v < mesh.vertexCount; v++) {
      const p = [mesh.positions[v * 3]!, mesh.positions[v * 3 + 1]!, mesh.positions[v * 3 + 2]!];
      expect(distanceToLine(p, [0, 0, -2.5], d)).toBeCloseTo(0.3, 5);
    }
    const zs = Array.from({ length: 16 }, (_, k) => mesh.positions[k * 3 + 2]!);
    expect(Math.max(...zs)).toBeCloseTo(-2.5 + 0.3 * Math.cos(Math.atan2(0.5, 100)), 4); // crown
  });

  it('a bend shares one mitred ring: continuous, and at the radius from both segments', () => {
    const mesh = new MeshAccumulator();
    const pieces = sweepTube(mesh, new Float64Array([0, 0, -1.5, 50, 0, -1.5, 80, 30, -1.5]), 0.1, 12, 0, 1, false);
    expect(pieces).toBe(1);
    expect(mesh.vertexCount).toBe(3 * 12); // three rings, the middle one shared
    const d1 = [1, 0, 0];
    const d2 = [Math.SQRT1_2, Math.SQRT1_2, 0];
    for (let k = 0; k < 12; k++) {
      const v = 12 + k;
      const p = [mesh.positions[v * 3]!, mesh.positions[v * 3 + 1]!, mesh.positions[v * 3 + 2]!];
      expect(distanceToLine(p, [0, 0, -1.5], d1)).toBeCloseTo(0.1, 5);
      expect(distanceToLine(p, [50, 0, -1.5], d2)).toBeCloseTo(0.1, 5);
    }
  });

  it('splits at a sharp bend and caps the ends', () => {
    const mesh = new MeshAccumulator();
    const pieces = sweepTube(mesh, new Float64Array([0, 0, -1, 10, 0, -1, 0, 1, -1]), 0.2, 8, 3, 1, true);
    expect(pieces).toBe(2);
    expect(Array.from(mesh.featureIds.subarray(0, mesh.vertexCount)).every((id) => id === 3)).toBe(true);
  });
});

describe('sweepProfile with a rectangle (duct banks, box culverts)', () => {
  it('keeps the section: width across, height up, flat faces', async () => {
    const { sweepProfile, rectangleProfile } = await import('./sweepTube.js');
    const mesh = new MeshAccumulator();
    sweepProfile(mesh, new Float64Array([0, 0, -1.2, 0, 40, -1.2]), rectangleProfile(0.8, 0.6), 0, 1, false);
    expect(mesh.vertexCount).toBe(2 * 8);
    const xs = new Set<number>();
    const zs = new Set<number>();
    for (let v = 0; v < mesh.vertexCount; v++) {
      xs.add(Math.round(mesh.positions[v * 3]! * 1000) / 1000);
      zs.add(Math.round(mesh.positions[v * 3 + 2]! * 1000) / 1000);
      const normal = [mesh.normals[v * 3]!, mesh.normals[v * 3 + 1]!, mesh.normals[v * 3 + 2]!];
      expect(normal.filter((c) => Math.abs(c) > 0.999).length).toBe(1); // axis-aligned face normals
    }
    expect([...xs].sort((a, b) => a - b)).toEqual([-0.4, 0.4]);
    expect([...zs].sort((a, b) => a - b)).toEqual([-1.5, -0.9]);
  });
});
