import type { Footprint, LonLat } from '../formats/incident.js';
import { metresPerDegree } from '../geometry/geodesy.js';

/**
 * The area a set of points covers, `marginMetres` wider: their convex hull (Andrew's monotone
 * chain in local metres) with each corner pushed out from the centre by the margin, or a
 * circle when the points are fewer than three or in a line.
 */
export function outlineAround(points: readonly LonLat[], marginMetres: number): Footprint {
  if (points.length === 0) throw new Error('an outline needs at least one point');
  const centreLon = points.reduce((sum, p) => sum + p[0], 0) / points.length;
  const centreLat = points.reduce((sum, p) => sum + p[1], 0) / points.length;
  const scale = metresPerDegree(centreLat);
  const local = points.map(([lon, lat]): [number, number] => [(lon - centreLon) * scale.lon, (lat - centreLat) * scale.lat]);
  const hull = convexHull(local);
  const round = (value: number): number => Math.round(value * 1e7) / 1e7;
  if (hull.length < 3) {
    const radius = Math.max(...local.map(([x, y]) => Math.hypot(x, y)));
    return { kind: 'circle', centre: [round(centreLon), round(centreLat)], radiusMetres: Math.round(radius + marginMetres) };
  }
  const ring = hull.map(([x, y]): LonLat => {
    const length = Math.hypot(x, y) || 1;
    const grow = (length + marginMetres) / length;
    return [round(centreLon + (x * grow) / scale.lon), round(centreLat + (y * grow) / scale.lat)];
  });
  return { kind: 'polygon', ring };
}

/** Counter-clockwise hull without collinear points. */
function convexHull(points: readonly [number, number][]): [number, number][] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: [number, number][]): [number, number][] => {
    const chain: [number, number][] = [];
    for (const p of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2]!, chain[chain.length - 1]!, p) <= 1e-9) chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  const hull = [...half(sorted), ...half([...sorted].reverse())];
  return hull.length >= 3 ? hull : [];
}
