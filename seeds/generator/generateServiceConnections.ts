import { PolylineIndex } from '../../workers/geometry/PolylineIndex.js';
import type { GeneratedBuilding, GeneratedRoad } from './generateNankai.js';
import type { SeedPipeLine, SeedPipePoint } from './generatePipes.js';

/** One row of the service-connection survey: a building and the water-main point it is fed from. */
export interface SeedServiceConnection {
  building: string;
  /** The pipe point (接入点) on the main, or undefined where the survey did not record it. */
  node: string | undefined;
  street: string | undefined;
  /** The building's centroid and the connection point, local metres. */
  from: [number, number];
  to: [number, number] | undefined;
  /** Service pipe DN, mm. */
  diameter: number;
}

/** A building is fed from the main of its own street when that main is this close, else from the nearest main. */
const OWN_STREET_REACH = 150;
const ANY_MAIN_REACH = 300;
/** Every n-th building's connection point was not recorded by the survey (the pipeline infers it). */
export const UNRECORDED_EVERY = 40;

/**
 * The water service connections as a survey records them: every building → the point on the
 * water main it is fed from. The main is the nearest one under the building's own street (the
 * street of its address) when within reach, else the nearest main; the connection point is the
 * point of that street's main nearest to where the service pipe meets it that is not a valve
 * (a tee is never cut into a valve). Every UNRECORDED_EVERY-th building is surveyed without
 * its connection point: the pipeline infers those (reported as inferred).
 */
export function generateServiceConnections(
  buildings: readonly GeneratedBuilding[],
  roads: readonly GeneratedRoad[],
  lines: readonly SeedPipeLine[],
  points: readonly SeedPipePoint[],
): SeedServiceConnection[] {
  const mains = lines.filter((l) => l.category === 'JS');
  const index = new PolylineIndex(mains.map((l) => l.points.flat()));
  const pointById = new Map(points.filter((p) => p.category === 'JS').map((p) => [p.id, p]));
  // The points a tee can be cut in beside, per street.
  const tapPoints = new Map<string, SeedPipePoint[]>();
  for (const main of mains) {
    const list = tapPoints.get(main.road) ?? [];
    for (const id of [main.from, main.to]) {
      const point = pointById.get(id);
      if (point && !/阀/.test(point.appurtenance ?? '') && !list.includes(point)) list.push(point);
    }
    tapPoints.set(main.road, list);
  }
  // Longest names first: 咸阳路二段 before 咸阳路.
  const streets = [...new Set(roads.map((r) => r.name))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));

  return buildings.map((building, i) => {
    const from = ringCentroid(building.rings[0]!);
    const street = streets.find((name) => building.properties.address.includes(name));
    const diameter = building.properties.floors > 11 ? 100 : 50;
    const hit =
      (street !== undefined ? index.nearest(from[0], from[1], OWN_STREET_REACH, (m) => mains[m]!.road === street) : undefined) ??
      index.nearest(from[0], from[1], ANY_MAIN_REACH);
    const row: SeedServiceConnection = { building: building.properties.id, node: undefined, street, from, to: undefined, diameter };
    if (!hit || i % UNRECORDED_EVERY === UNRECORDED_EVERY - 1) return row;
    const road = mains[hit.polyline]!.road;
    let nearest: SeedPipePoint | undefined;
    let nearestDistance = Infinity;
    for (const point of tapPoints.get(road) ?? []) {
      const distance = Math.hypot(point.x - hit.x, point.y - hit.y);
      if (distance < nearestDistance) [nearest, nearestDistance] = [point, distance];
    }
    if (!nearest) return row;
    return { ...row, street: road, node: nearest.id, to: [nearest.x, nearest.y] };
  });
}

/** Area centroid of a ring (local metres), rounded to the millimetre. */
export function ringCentroid(ring: readonly [number, number][]): [number, number] {
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!;
    const [x1, y1] = ring[i]!;
    const cross = x0 * y1 - x1 * y0;
    area += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  if (Math.abs(area) < 1e-9) return [ring[0]![0], ring[0]![1]];
  const round = (v: number): number => Math.round(v * 1000) / 1000;
  return [round(cx / (3 * area)), round(cy / (3 * area))];
}
