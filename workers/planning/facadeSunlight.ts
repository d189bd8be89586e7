import type { FacadeSample, FacadeSunlightResult } from '../formats/buildingAnalyses.js';
import { buildingsAround, localFrame, type PlanningBuildings, round, toLonLatOf } from './planningBuildings.js';
import { SHADOW_REACH } from './sunlight.js';
import { sunlightDayPlan } from './sunlightDay.js';
import { sunlitSteps } from './sunlitSteps.js';
import { sunPath } from './sunPath.js';

/** Samples stand this far out of the wall, so the wall's own building does not shade them at a grazing sun. */
const OFFSET_FROM_WALL = 0.3;
/** A façade grid this fine at most: a tower gets a coarser grid rather than a slow answer. */
export const MAX_FACADE_SAMPLES = 4000;
export const DEFAULT_FACADE_SPACING = 3;

export interface FacadeSunlightOptions {
  /** Grid spacing along the wall and up it, metres (default 3: about a floor). */
  spacing?: number;
  /** One wall only (its index, as each sample's `wall` gives it): a single façade. Default: every wall. */
  wall?: number;
}

/**
 * Sunlight on a building's façade: its outer walls sampled on a grid (spacing along each wall
 * and a row per floor, the lowest at 1.5 m, the window sill's height on the ground floor), each
 * sample's hours of direct sun over the day and inside the effective window — for colouring
 * the façade. A sample is shaded by the buildings around it and by its own wall when the sun is
 * behind it.
 */
export function facadeSunlight(buildings: PlanningBuildings, buildingId: unknown, options?: unknown): FacadeSunlightResult {
  if (typeof buildingId !== 'string' || buildingId === '') throw new Error(`the façade's building is ${JSON.stringify(buildingId)}: give a building id`);
  const b = buildings.indexOfId.get(buildingId);
  if (b === undefined) throw new Error(`no building "${buildingId}" among the ${buildings.count} footprints loaded`);
  const spacingOption = (options as FacadeSunlightOptions | undefined)?.spacing ?? DEFAULT_FACADE_SPACING;
  const wallOption = (options as FacadeSunlightOptions | undefined)?.wall;
  if (typeof spacingOption !== 'number' || !(spacingOption >= 0.5 && spacingOption <= 50))
    throw new Error(`the façade grid spacing is ${JSON.stringify(spacingOption)} m: 0.5…50`);
  const bbox = buildings.bbox.subarray(b * 4, b * 4 + 4);
  const frame = localFrame((bbox[0]! + bbox[2]!) / 2, (bbox[1]! + bbox[3]!) / 2);
  const plan = sunlightDayPlan(options, frame.lon0);
  const path = sunPath(plan.date, frame.lat0, frame.lon0, plan.window, plan.stepMinutes);
  const halfDiagonal = Math.hypot((bbox[2]! - bbox[0]!) * frame.metresPerLon, (bbox[3]! - bbox[1]!) * frame.metresPerLat) / 2;
  const around = buildingsAround(buildings, frame, SHADOW_REACH + halfDiagonal);
  const self = around.find((c) => c.building === b)!;
  const base = buildings.base[b]!;
  const top = buildings.top[b]!;

  // The walls of its outer rings, each with its outward normal.
  const walls: { index: number; ax: number; ay: number; ex: number; ey: number; length: number; nx: number; ny: number }[] = [];
  self.rings.forEach((ring, r) => {
    if (self.holes[r]) return;
    const n = ring.length / 2;
    let twiceArea = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) twiceArea += ring[j * 2]! * ring[i * 2 + 1]! - ring[i * 2]! * ring[j * 2 + 1]!;
    const outward = twiceArea > 0 ? 1 : -1; // counter-clockwise: outward is to the right of each edge
    for (let i = 0; i < n; i++) {
      const k = (i + 1) % n;
      const ex = ring[k * 2]! - ring[i * 2]!;
      const ey = ring[k * 2 + 1]! - ring[i * 2 + 1]!;
      const length = Math.hypot(ex, ey);
      if (length < 0.5) continue;
      walls.push({ index: walls.length, ax: ring[i * 2]!, ay: ring[i * 2 + 1]!, ex, ey, length, nx: (outward * ey) / length, ny: (-outward * ex) / length });
    }
  });
  if (wallOption !== undefined && (typeof wallOption !== 'number' || !Number.isInteger(wallOption) || wallOption < 0 || wallOption >= walls.length))
    throw new Error(`wall ${JSON.stringify(wallOption)} of building "${buildingId}": it has walls 0…${walls.length - 1}`);
  const chosen = wallOption === undefined ? walls : [walls[wallOption]!];
  const perimeter = chosen.reduce((sum, w) => sum + w.length, 0);
  const wallHeight = top - base;
  let spacing = spacingOption;
  while ((perimeter / spacing + chosen.length) * Math.max(1, Math.round(wallHeight / spacing)) > MAX_FACADE_SAMPLES) spacing *= 1.25;
  const rows = Math.max(1, Math.round(wallHeight / spacing));
  const rowHeight = wallHeight / rows;

  const sunlit = new Uint8Array(path.steps);
  const samples: FacadeSample[] = [];
  for (const wall of chosen) {
    // Only what stands in front of the wall can shade it (behind it, the wall itself does).
    const inFront = around.filter((c) => c === self || c.rings.some((r) => frontOf(r, wall)));
    const columns = Math.max(1, Math.round(wall.length / spacing));
    const facing = Math.atan2(wall.nx, wall.ny);
    for (let c = 0; c < columns; c++) {
      const f = (c + 0.5) / columns;
      const x = wall.ax + wall.ex * f + wall.nx * OFFSET_FROM_WALL;
      const y = wall.ay + wall.ey * f + wall.ny * OFFSET_FROM_WALL;
      const [lon, lat] = toLonLatOf(frame, x, y);
      for (let row = 0; row < rows; row++) {
        const z = row === 0 ? base + Math.min(1.5, rowHeight / 2) : base + (row + 0.5) * rowHeight;
        sunlitSteps(inFront, x, y, z, path, sunlit, facing);
        let hours = 0;
        let effective = 0;
        for (let k = 0; k < path.steps; k++) {
          if (!sunlit[k]) continue;
          hours += path.hours[k]!;
          if (path.inWindow[k]) effective += path.hours[k]!;
        }
        samples.push({
          wall: wall.index,
          lon: round(lon, 7),
          lat: round(lat, 7),
          height: round(z),
          facing: round(((facing * 180) / Math.PI + 360) % 360, 1),
          sunlitHours: round(hours, 3),
          effectiveHours: round(effective, 3),
        });
      }
    }
  }
  const effective = samples.map((s) => s.effectiveHours);
  return {
    buildingId,
    sunriseToSunsetHours: round((path.sunset - path.sunrise) / 3_600_000, 3),
    date: plan.date,
    day: plan.day,
    sunrise: new Date(path.sunrise).toISOString(),
    sunset: new Date(path.sunset).toISOString(),
    window: [new Date(path.windowStart).toISOString(), new Date(path.windowEnd).toISOString()],
    requiredHours: plan.requiredHours,
    standard: plan.standard,
    samples,
    meetingStandard: plan.requiredHours === null ? null : effective.filter((h) => h >= plan.requiredHours! - 1e-9).length,
    maxEffectiveHours: effective.length ? Math.max(...effective) : 0,
    minEffectiveHours: effective.length ? Math.min(...effective) : 0,
  };
}

function frontOf(ring: Float64Array, wall: { ax: number; ay: number; nx: number; ny: number }): boolean {
  for (let i = 0; i < ring.length; i += 2) if ((ring[i]! - wall.ax) * wall.nx + (ring[i + 1]! - wall.ay) * wall.ny > 0.01) return true;
  return false;
}
