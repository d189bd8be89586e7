import { azimuthSpan, distanceToFootprint, type LocalBuilding, rayOverFootprint } from './planningBuildings.js';
import type { SunPath } from './sunPath.js';

const TWO_PI = 2 * Math.PI;

/**
 * Which steps of the day the sun reaches (x, y, z) (metres in the buildings' local frame): 1 in
 * `out` where it does. A step is shaded when the ray towards the sun passes through an extruded
 * footprint (between its base and top); with `facing` (a wall's outward direction, radians
 * clockwise from north) also when the sun is behind the wall. Each building is only tested at
 * the steps whose sun azimuth falls in the directions it covers and whose sun is lower than its
 * top seen from the point — most buildings are tested at a handful of steps, if any.
 */
export function sunlitSteps(buildings: readonly LocalBuilding[], x: number, y: number, z: number, path: SunPath, out: Uint8Array, facing?: number): void {
  const steps = path.steps;
  if (facing === undefined) out.fill(1, 0, steps);
  else for (let k = 0; k < steps; k++) out[k] = Math.cos(path.azimuth[k]! - facing) > 0 ? 1 : 0;
  for (const building of buildings) {
    const rise = building.top - z;
    if (rise <= 0) continue; // the ray to the sun rises: nothing lower can shade
    const nearest = distanceToFootprint(building.rings, x, y);
    const highest = nearest === 0 ? Math.PI / 2 : Math.atan2(rise, nearest);
    const [start, sweep] = azimuthSpan(building.rings, x, y);
    const from = ((start % TWO_PI) + TWO_PI) % TWO_PI;
    const to = from + sweep;
    testRange(building, x, y, z, path, out, highest, from, Math.min(to, TWO_PI));
    if (to > TWO_PI) testRange(building, x, y, z, path, out, highest, 0, to - TWO_PI);
  }
}

function testRange(building: LocalBuilding, x: number, y: number, z: number, path: SunPath, out: Uint8Array, highest: number, from: number, to: number): void {
  const sorted = path.sortedAzimuth;
  let i = lowerBound(sorted, from);
  for (; i < sorted.length && sorted[i]! <= to; i++) {
    const k = path.byAzimuth[i]!;
    if (out[k] === 0) continue;
    const altitude = path.altitude[k]!;
    if (altitude >= highest) continue;
    const azimuth = path.azimuth[k]!;
    const over = rayOverFootprint(building.rings, x, y, Math.sin(azimuth), Math.cos(azimuth));
    if (!over) continue;
    // The sun's centre sits a little below the horizon in the first and last minutes (upper limb rising): its ray is level.
    const slope = Math.tan(Math.max(altitude, 0));
    if (z + over[0] * slope < building.top && z + over[1] * slope > building.base) out[k] = 0;
  }
}

function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
