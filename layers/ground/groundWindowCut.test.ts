import { area, booleanPointInPolygon, point, polygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { corridorMinusWindow, polygonMinusWindow } from './groundWindowCut.js';

/** Metres east and north of a point in Tianjin, in degrees. */
const LON0 = 117.17;
const LAT0 = 39.137;
const at = (x: number, y: number): [number, number] => [LON0 + x / (111_320 * Math.cos((LAT0 * Math.PI) / 180)), LAT0 + y / 110_990];
const PIT = [at(-5, -3), at(5, -3), at(5, 3), at(-5, 3)];

describe('the ground left open by a window (an excavation pit)', () => {
  it('a green area over the pit loses the pit; one away from it is drawn as it was (null)', () => {
    const park = [[at(-50, -50), at(50, -50), at(50, 50), at(-50, 50), at(-50, -50)]];
    const cut = polygonMinusWindow(park, PIT)!;
    expect(cut).toHaveLength(1);
    expect(cut[0]).toHaveLength(2); // the park with the pit as a hole
    const remaining = cut.reduce((sum, rings) => sum + area(polygon(rings)), 0);
    expect(remaining).toBeCloseTo(area(polygon(park)) - area(polygon([[...PIT, PIT[0]!]])), 3);
    expect(booleanPointInPolygon(point(at(0, 0)), polygon(cut[0]!))).toBe(false);
    expect(booleanPointInPolygon(point(at(20, 0)), polygon(cut[0]!))).toBe(true);
    expect(polygonMinusWindow([[at(100, 100), at(120, 100), at(120, 120), at(100, 100)]], PIT)).toBeNull();
  });

  it('a road across the pit is cut in two at the pit; a road beside it stays a corridor', () => {
    // 4 m wide across a pit 6 m deep north–south: two pieces.
    const road = [at(-40, 0), at(40, 0)];
    const cut = corridorMinusWindow(road, 4, PIT)!;
    expect(cut).toHaveLength(2);
    for (const rings of cut) expect(booleanPointInPolygon(point(at(0, 0)), polygon(rings))).toBe(false);
    expect(cut.some((rings) => booleanPointInPolygon(point(at(-20, 1.5)), polygon(rings)))).toBe(true);
    // 80 m × 4 m (and round ends) less the 10 m × 4 m the pit takes.
    expect(cut.reduce((sum, rings) => sum + area(polygon(rings)), 0)).toBeGreaterThan(80 * 4 - 10 * 4 - 1);
    expect(cut.reduce((sum, rings) => sum + area(polygon(rings)), 0)).toBeLessThan(80 * 4 - 10 * 4 + Math.PI * 4 + 1);
    // A wider road than the pit keeps its edges beside it: one piece with a hole.
    expect(corridorMinusWindow(road, 8, PIT)).toHaveLength(1);
    expect(corridorMinusWindow([at(-40, 20), at(40, 20)], 8, PIT)).toBeNull();
  });
});
