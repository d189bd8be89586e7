import type { HeightLimitResult } from '../formats/buildingAnalyses.js';
import { checkPolygon } from './checkPolygon.js';
import { insideFootprint, localBuilding, type PlanningBuildings, round } from './planningBuildings.js';

/** Taller than any building on Earth: a limit above is a mistake (a unit error). */
export const MAX_HEIGHT_LIMIT = 1000;

/**
 * Height limit (限高分析): the buildings with a part of their footprint inside the polygon whose
 * top rises above the limit, each with its excess, the largest first. Buildings are found by
 * their bounding boxes in the R-tree, then by their outlines: a corner inside the polygon, a
 * polygon corner inside the footprint, or two edges crossing.
 */
export function heightLimit(buildings: PlanningBuildings, polygon: unknown, limitMeters: unknown): HeightLimitResult {
  const checked = checkPolygon(polygon, 'the height-limit polygon');
  const limit = checkLimit(limitMeters);
  const { ring, frame, local } = checked;
  let west = Infinity,
    south = Infinity,
    east = -Infinity,
    north = -Infinity;
  for (const [lon, lat] of ring) {
    west = Math.min(west, lon);
    east = Math.max(east, lon);
    south = Math.min(south, lat);
    north = Math.max(north, lat);
  }
  const candidates = buildings.count === 0 ? [] : buildings.index.search(west, south, east, north);
  const result: HeightLimitResult = { buildings: [], limitMeters: limit, inside: 0, areaSquareMetres: round(checked.areaSquareMetres, 1) };
  const polygonRings = [local];
  for (const b of candidates) {
    const footprint = localBuilding(buildings, frame, b);
    if (!overlaps(footprint.rings, polygonRings)) continue;
    result.inside++;
    const top = buildings.top[b]!;
    if (top > limit) {
      const lon = round((buildings.bbox[b * 4]! + buildings.bbox[b * 4 + 2]!) / 2, 7);
      const lat = round((buildings.bbox[b * 4 + 1]! + buildings.bbox[b * 4 + 3]!) / 2, 7);
      result.buildings.push({ id: buildings.ids[b]!, height: top, excess: round(top - limit), lon, lat });
    }
  }
  result.buildings.sort((a, b) => b.excess - a.excess || (a.id < b.id ? -1 : 1));
  return result;
}

/** A limit in metres: a finite number, 0 … MAX_HEIGHT_LIMIT, or an Error saying what is wrong. */
export function checkLimit(limitMeters: unknown): number {
  if (typeof limitMeters !== 'number' || !Number.isFinite(limitMeters))
    throw new Error(`the height limit is ${JSON.stringify(limitMeters) ?? String(limitMeters)}: give metres above the ground, a finite number`);
  if (limitMeters < 0) throw new Error(`the height limit is ${limitMeters} m: it cannot be below the ground`);
  if (limitMeters > MAX_HEIGHT_LIMIT)
    throw new Error(`the height limit is ${limitMeters} m: more than ${MAX_HEIGHT_LIMIT} m is no limit (metres, not centimetres?)`);
  return limitMeters;
}

/** Whether two outlines (local x, y rings; even-odd) share any area or touch. */
function overlaps(footprint: readonly Float64Array[], polygon: readonly Float64Array[]): boolean {
  for (const ring of footprint) {
    for (let i = 0; i < ring.length; i += 2) if (insideFootprint(polygon, ring[i]!, ring[i + 1]!)) return true;
  }
  for (const ring of polygon) {
    for (let i = 0; i < ring.length; i += 2) if (insideFootprint(footprint, ring[i]!, ring[i + 1]!)) return true;
  }
  for (const a of footprint) for (const b of polygon) if (edgesCross(a, b)) return true;
  return false;
}

function edgesCross(a: Float64Array, b: Float64Array): boolean {
  const n = a.length / 2;
  const m = b.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const ax = a[j * 2]!,
      ay = a[j * 2 + 1]!,
      bx = a[i * 2]!,
      by = a[i * 2 + 1]!;
    for (let k = 0, l = m - 1; k < m; l = k++) {
      const cx = b[l * 2]!,
        cy = b[l * 2 + 1]!,
        dx = b[k * 2]!,
        dy = b[k * 2 + 1]!;
      const d1 = orientation(cx, cy, dx, dy, ax, ay);
      const d2 = orientation(cx, cy, dx, dy, bx, by);
      const d3 = orientation(ax, ay, bx, by, cx, cy);
      const d4 = orientation(ax, ay, bx, by, dx, dy);
      if (d1 * d2 < 0 && d3 * d4 < 0) return true;
    }
  }
  return false;
}

function orientation(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}
