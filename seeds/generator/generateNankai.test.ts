import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { booleanPointInPolygon, point, polygon } from '@turf/turf';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { generateNankai } from './generateNankai.js';
import { generatePipes } from './generatePipes.js';
import { generatePointsOfInterest } from './generatePointsOfInterest.js';
import { Random } from '../../workers/random/Random.js';
import { SEED } from './nankaiPlan.js';

const outline = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../source/nankai-boundary-gcj02.geojson'), 'utf8')) as {
    features: { geometry: { coordinates: Position[][] } }[];
  }
).features[0]!.geometry.coordinates[0]!;

describe('the Nankai seed generator', () => {
  const district = generateNankai(outline);

  it('is deterministic, pipes included', () => {
    const hash = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');
    const again = generateNankai(outline);
    expect(hash(again.buildings)).toBe(hash(district.buildings));
    expect(hash(generatePipes(again, new Random(SEED + 1)))).toBe(hash(generatePipes(district, new Random(SEED + 1))));
  });

  it('draws 15–30k buildings of every block type, all inside the real (WGS84-converted) outline', () => {
    expect(district.buildings.length).toBeGreaterThanOrEqual(15_000);
    expect(district.buildings.length).toBeLessThanOrEqual(30_000);
    const uses = new Set(district.buildings.map((b) => b.properties.use));
    for (const use of ['residential', 'commercial', 'office', 'education', 'hospital', 'school', 'heritage']) expect(uses).toContain(use);
    const boundary = polygon([district.boundary]);
    for (const b of district.buildings) {
      for (const [x, y] of b.rings[0]!) expect(booleanPointInPolygon(point(district.frame.toLonLat(x, y)), boundary)).toBe(true);
    }
    // GCJ-02 → WGS84 moved the outline west by ~0.006° (the published outline is GCJ-02).
    expect(Math.min(...district.boundary.map((p) => p[0]!))).toBeLessThan(Math.min(...outline.map((p) => p[0]!)) - 0.004);
  });

  it('lays every pipe category under the streets, with planted conflicts listed', () => {
    const pipes = generatePipes(district, new Random(SEED + 1));
    expect(new Set(pipes.lines.map((l) => l.category))).toEqual(new Set(['JS', 'RQ', 'RL', 'DL', 'TX', 'PS', 'ZH']));
    expect(pipes.planted.length).toBe(3);
    const ids = new Set(pipes.lines.map((l) => l.id));
    for (const p of pipes.planted) expect(ids.has(p.a)).toBe(true);
    // Hydrants roughly every 120 m and valves every 250 m of water main.
    const hydrants = pipes.points.filter((p) => p.appurtenance === '消防栓').length;
    const valves = pipes.points.filter((p) => p.appurtenance === '阀门' && p.category === 'JS').length;
    expect(hydrants).toBeGreaterThan(valves * 1.5);
  });

  it("puts each sensor on a pipe point in that point's category (who may read it), and the others in none", () => {
    const pipes = generatePipes(district, new Random(SEED + 1));
    const { sensors } = generatePointsOfInterest(district, pipes.points, new Random(SEED + 2));
    const points = new Map(pipes.points.map((p) => [p.id, p]));
    for (const sensor of sensors) {
      if (sensor.feature === undefined) expect(sensor.category).toBeUndefined();
      else expect(sensor.category, sensor.id).toBe(points.get(sensor.feature)!.category);
    }
    const of = (type: string): Set<string | undefined> => new Set(sensors.filter((s) => s.type === type).map((s) => s.category));
    expect(of('manhole_cover')).toEqual(new Set(['PS']));
    expect(of('hydrant_pressure')).toEqual(new Set(['JS']));
    expect(of('network_pressure')).toEqual(new Set(['JS']));
    expect(of('air_quality')).toEqual(new Set([undefined]));
  });
});
