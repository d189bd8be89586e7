import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { measure } from './measure.js';

/** WGS84's semi-major axis and eccentricity², to check the kernel against textbook formulae. */
const A = 6_378_137;
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Meridian arc between two latitudes (Simpson over the radius of curvature M(φ) = a(1−e²)/(1−e² sin²φ)^1.5). */
function meridianArc(lat0: number, lat1: number): number {
  const steps = 1000;
  const h = (rad(lat1) - rad(lat0)) / steps;
  const m = (phi: number): number => (A * (1 - E2)) / (1 - E2 * Math.sin(phi) ** 2) ** 1.5;
  let sum = m(rad(lat0)) + m(rad(lat1));
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * m(rad(lat0) + i * h);
  return (sum * h) / 3;
}

/** A transverse Mercator with its central meridian through the test polygons (scale 1 there: plane lengths and areas are the ellipsoid's to 1e-9). */
const TM = proj4('EPSG:4326', '+proj=tmerc +lat_0=0 +lon_0=117.16 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs');

describe('measure (WGS84 geodesics)', () => {
  it('a distance along the meridian is the meridian arc', () => {
    const result = measure({
      kind: 'distance',
      points: [
        [117.16, 39.1, 0],
        [117.16, 39.11, 0],
      ],
    });
    expect(result.kind).toBe('distance');
    if (result.kind !== 'distance') return;
    expect(result.ground).toBeCloseTo(meridianArc(39.1, 39.11), 4);
    expect(result.legs[0]!.azimuth).toBeCloseTo(0, 6);
  });

  it('a polyline: legs and totals over the ground, and in 3D with the heights', () => {
    // East 40 m on the plane at the central meridian, then up 30 m to a roof.
    const [x0, y0] = TM.forward([117.16, 39.1]);
    const east = TM.inverse([x0 + 40, y0]);
    const north = TM.inverse([x0 + 40, y0 + 25]);
    const result = measure({
      kind: 'distance',
      points: [
        [117.16, 39.1, 0],
        [east[0]!, east[1]!, 30],
        [north[0]!, north[1]!, 30],
      ],
    });
    if (result.kind !== 'distance') throw new Error(result.kind);
    expect(result.legs).toHaveLength(2);
    expect(result.legs[0]!.ground).toBeCloseTo(40, 4);
    expect(result.legs[0]!.spatial).toBeCloseTo(50, 4);
    expect(result.legs[0]!.rise).toBe(30);
    expect(result.legs[0]!.azimuth).toBeCloseTo(90, 1);
    expect(result.legs[1]!.ground).toBeCloseTo(25, 4);
    expect(result.legs[1]!.spatial).toBeCloseTo(25, 4);
    expect(result.ground).toBeCloseTo(65, 4);
    expect(result.spatial).toBeCloseTo(75, 4);
  });

  it('the area of a polygon is its area on the ellipsoid (a transverse Mercator plane at its meridian agrees), whichever way it runs', () => {
    // An L-shaped lot, 60 × 40 m less a 20 × 15 m corner: 2,100 m², perimeter 200 m.
    const plane = [
      [0, 0],
      [60, 0],
      [60, 25],
      [40, 25],
      [40, 40],
      [0, 40],
    ] as const;
    const [x0, y0] = TM.forward([117.16, 39.1]);
    const corners = plane.map(([x, y]) => [...TM.inverse([x0 + x, y0 + y]), 2] as [number, number, number]);
    for (const points of [corners, [...corners].reverse()]) {
      const result = measure({ kind: 'area', points });
      if (result.kind !== 'area') throw new Error(result.kind);
      expect(result.area).toBeCloseTo(2100, 3);
      expect(result.perimeter).toBeCloseTo(200, 4);
    }
    // A closed ring (the first corner repeated) measures the same.
    const closed = measure({ kind: 'area', points: [...corners, corners[0]!] });
    expect(closed.kind === 'area' && closed.area).toBeCloseTo(2100, 3);
  });

  it('a height is the second pick above the first, with the distances between them', () => {
    const result = measure({
      kind: 'height',
      points: [
        [117.16, 39.1, 1.5],
        [117.16, 39.1, 99.5],
      ],
    });
    expect(result).toMatchObject({ kind: 'height', height: 98, ground: 0, spatial: 98 });
    const down = measure({
      kind: 'height',
      points: [
        [117.16, 39.1, 10],
        [117.16, 39.1, -2.5],
      ],
    });
    expect(down.kind === 'height' && down.height).toBe(-12.5);
  });

  it('bad input is refused with a message naming what is wrong', () => {
    const refuse = (request: unknown): string => {
      try {
        measure(request);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(request)}`);
    };
    expect(refuse(null)).toMatch(/\{kind, points\}/);
    expect(refuse({ kind: 'volume', points: [] })).toMatch(/measure kind is "volume"/);
    expect(refuse({ kind: 'distance', points: [[117.16, 39.1, 0]] })).toMatch(/two points or more; got 1/);
    expect(
      refuse({
        kind: 'distance',
        points: [
          [117.16, 39.1],
          [117.16, Number.NaN],
        ],
      }),
    ).toMatch(/measure point 2 is/);
    expect(
      refuse({
        kind: 'distance',
        points: [
          [117.16, 39.1],
          [217.16, 39.1],
        ],
      }),
    ).toMatch(/longitude/);
    expect(
      refuse({
        kind: 'distance',
        points: [
          [117.16, 39.1],
          [118.5, 39.1],
        ],
      }),
    ).toMatch(/at most 100 km/);
    expect(
      refuse({
        kind: 'height',
        points: [
          [117.16, 39.1, 0],
          [117.16, 39.1, 1e6],
        ],
      }),
    ).toMatch(/height is 1000000 m/);
    expect(refuse({ kind: 'height', points: [[117.16, 39.1, 0]] })).toMatch(/two picks; got 1/);
    // A bow tie crosses itself.
    expect(
      refuse({
        kind: 'area',
        points: [
          [117.16, 39.1],
          [117.161, 39.101],
          [117.161, 39.1],
          [117.16, 39.101],
        ],
      }),
    ).toMatch(/crosses itself/);
    expect(
      refuse({
        kind: 'area',
        points: [
          [117.16, 39.1],
          [117.161, 39.1],
          [117.162, 39.1],
        ],
      }),
    ).toMatch(/corners must not lie on one line/);
    expect(refuse({ kind: 'depth', points: [[117.16, 39.1, -2]] })).toMatch(/planning worker answers it \(planning.pipeDepth\)/);
  });
});
