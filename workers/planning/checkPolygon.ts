import { ringSelfIntersects } from '../geometry/ringSelfIntersects.js';
import { type LocalFrame, localFrame, toLocalXY } from './planningBuildings.js';
import { checkLonLat } from './planningPipes.js';

/** A district-scale analysis polygon: wider than this is a mistake (a click on the horizon). */
export const MAX_POLYGON_SPAN = 20_000;

export interface CheckedPolygon {
  /** Corners `[lon, lat]`, the closing repeat dropped. */
  ring: [number, number][];
  frame: LocalFrame;
  /** The corners in the frame (metres), x, y pairs. */
  local: Float64Array;
  areaSquareMetres: number;
}

/**
 * `[[lon, lat], [lon, lat], [lon, lat], …]` (closed or not) with three corners or more, not
 * crossing itself, enclosing an area — or an Error that says what is wrong (`what` names it:
 * "the height-limit polygon").
 */
export function checkPolygon(polygon: unknown, what: string): CheckedPolygon {
  if (!Array.isArray(polygon)) throw new Error(`${what} is [[lon, lat], [lon, lat], [lon, lat], …]; got ${JSON.stringify(polygon)?.slice(0, 60)}`);
  const ring = polygon.map((corner, i) => checkLonLat(corner, `${what}'s corner ${i + 1}`));
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (ring.length > 1 && first![0] === last![0] && first![1] === last![1]) ring.pop();
  if (ring.length < 3) throw new Error(`${what} needs three corners or more; got ${ring.length}`);
  const frame = localFrame(ring[0]![0], ring[0]![1]);
  const local = new Float64Array(ring.length * 2);
  ring.forEach(([lon, lat], i) => local.set(toLocalXY(frame, lon, lat), i * 2));
  if (ringSelfIntersects(local)) throw new Error(`${what} crosses itself: draw its outline without crossing edges`);
  let twiceArea = 0;
  let minX = Infinity,
    maxX = -Infinity,
    minY = Infinity,
    maxY = -Infinity;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = local[i * 2]!,
      yi = local[i * 2 + 1]!;
    twiceArea += local[j * 2]! * yi - xi * local[j * 2 + 1]!;
    minX = Math.min(minX, xi);
    maxX = Math.max(maxX, xi);
    minY = Math.min(minY, yi);
    maxY = Math.max(maxY, yi);
  }
  const areaSquareMetres = Math.abs(twiceArea) / 2;
  if (areaSquareMetres < 0.01) throw new Error(`${what} encloses ${areaSquareMetres.toFixed(4)} m²: its corners must not lie on one line`);
  const span = Math.max(maxX - minX, maxY - minY);
  if (span > MAX_POLYGON_SPAN) throw new Error(`${what} is ${Math.round(span)} m across: at most ${MAX_POLYGON_SPAN / 1000} km`);
  return { ring, frame, local, areaSquareMetres };
}
