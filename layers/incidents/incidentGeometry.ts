import type { Footprint, LonLat } from '../../workers/formats/incident.js';

const METRES_PER_DEGREE = 111_320;

/** Where an incident's marker stands: the point, the circle's centre, or the ring's mean vertex. */
export function footprintCentre(footprint: Footprint): LonLat {
  if (footprint.kind === 'point') return footprint.at;
  if (footprint.kind === 'circle') return footprint.centre;
  const ring = footprint.ring;
  const n = ring.length || 1;
  return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
}

/** The footprint's outline as a closed ring of [lon, lat] (a circle as 48 points); a point has none. */
export function footprintRing(footprint: Footprint): LonLat[] {
  if (footprint.kind === 'point') return [];
  if (footprint.kind === 'polygon') return footprint.ring.length ? [...footprint.ring, footprint.ring[0]!] : [];
  const [lon, lat] = footprint.centre;
  const dLat = footprint.radiusMetres / METRES_PER_DEGREE;
  const dLon = dLat / Math.cos((lat * Math.PI) / 180);
  return Array.from({ length: 49 }, (_, i) => {
    const a = (i / 48) * 2 * Math.PI;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)] as LonLat;
  });
}

/** How far from its centre the camera stands to show an incident with its surroundings (metres): the footprint and a street or two around it. */
export function footprintViewRange(footprint: Footprint): number {
  const near = 700;
  if (footprint.kind === 'point') return near;
  if (footprint.kind === 'circle') return Math.max(near, footprint.radiusMetres * 3.5);
  const ring = footprint.ring;
  if (ring.length === 0) return near;
  const [lon, lat] = footprintCentre(footprint);
  const cos = Math.cos((lat * Math.PI) / 180);
  const extent = Math.max(...ring.map(([x, y]) => Math.hypot((x - lon) * cos, y - lat) * METRES_PER_DEGREE));
  return Math.max(near, extent * 3);
}

/**
 * A view taking in points (lon, lat pairs flattened, as an impact's lines and valves): their
 * centre and a camera range that shows them all with a margin, or null for none.
 */
export function viewOfPoints(flat: readonly number[]): { lon: number; lat: number; range: number } | null {
  if (flat.length < 2) return null;
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    minLon = Math.min(minLon, flat[i]!);
    maxLon = Math.max(maxLon, flat[i]!);
    minLat = Math.min(minLat, flat[i + 1]!);
    maxLat = Math.max(maxLat, flat[i + 1]!);
  }
  const lat = (minLat + maxLat) / 2;
  const span = Math.max((maxLon - minLon) * Math.cos((lat * Math.PI) / 180), maxLat - minLat) * METRES_PER_DEGREE;
  return { lon: (minLon + maxLon) / 2, lat, range: Math.max(400, span * 1.8) };
}

/** How much of the view's width the panels cover on each side, as fractions of it (0 = none). */
export interface CoveredSides {
  left: number;
  right: number;
}

/** Cesium's default field of view, across the wider side of the view (degrees). */
const FIELD_OF_VIEW_DEGREES = 60;

/**
 * Where to aim the camera so a point framed `range` metres away lands in the middle of the part
 * of the map the panels leave uncovered, not under a dock: the aim moves sideways by the
 * docks' imbalance, and the range grows so the narrower opening still holds what the whole
 * view would (at most twice as far). The camera looks north (heading 0), so sideways is east–west.
 */
export function framedAround(centre: LonLat, range: number, covered: CoveredSides): { lon: number; lat: number; range: number } {
  const open = Math.max(0.3, 1 - covered.left - covered.right);
  const framedRange = range * Math.min(2, 1 / open);
  // Where the opening's middle is, from the view's middle, in fractions of the view's width (negative: left of it).
  const shift = (covered.left - covered.right) / 2;
  const groundWidth = 2 * framedRange * Math.tan(((FIELD_OF_VIEW_DEGREES / 2) * Math.PI) / 180);
  const eastMetres = -shift * groundWidth;
  const [lon, lat] = centre;
  return { lon: lon + eastMetres / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180)), lat, range: framedRange };
}
