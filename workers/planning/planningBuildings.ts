import Flatbush from 'flatbush';
import type { BuildingFootprints } from '../formats/buildingFootprints.js';
import { metresPerDegree } from '../geometry/geodesy.js';

/**
 * The buildings' footprints (footprints.json, as typed columns) with what the building kernels
 * query them by: each building's bounding box in a static R-tree (flatbush), its index by id and
 * the tallest top. Built once per planning worker (planning.loadBuildings) and kept.
 */
export interface PlanningBuildings extends BuildingFootprints {
  /** [west, south, east, north] degrees per building (4 entries each). */
  bbox: Float64Array;
  index: Flatbush;
  indexOfId: Map<string, number>;
  maxTop: number;
}

export function planningBuildingsFrom(footprints: BuildingFootprints): PlanningBuildings {
  const { count, ringOffsets, pointOffsets, lonLat } = footprints;
  const bbox = new Float64Array(count * 4);
  const index = new Flatbush(Math.max(count, 1));
  let maxTop = 0;
  for (let b = 0; b < count; b++) {
    let west = Infinity,
      south = Infinity,
      east = -Infinity,
      north = -Infinity;
    for (let p = pointOffsets[ringOffsets[b]!]!; p < pointOffsets[ringOffsets[b + 1]!]!; p++) {
      const lon = lonLat[p * 2]!,
        lat = lonLat[p * 2 + 1]!;
      if (lon < west) west = lon;
      if (lon > east) east = lon;
      if (lat < south) south = lat;
      if (lat > north) north = lat;
    }
    bbox.set([west, south, east, north], b * 4);
    index.add(west, south, east, north);
    maxTop = Math.max(maxTop, footprints.top[b]!);
  }
  if (count === 0) index.add(0, 0, 0, 0); // flatbush needs one item; no building is ever found at (0, 0) as its ids are empty
  index.finish();
  const indexOfId = new Map<string, number>();
  footprints.ids.forEach((id, b) => indexOfId.set(id, b));
  return { ...footprints, bbox, index, indexOfId, maxTop };
}

/**
 * A building's rings in a local plane (metres east and north of an origin): what the ray and
 * inside tests run on. Equirectangular at the origin's latitude: within the 2 km the kernels
 * look, off by less than a centimetre per 100 m.
 */
export interface LocalBuilding {
  /** Index into PlanningBuildings. */
  building: number;
  base: number;
  top: number;
  /** x, y pairs per ring (open). */
  rings: Float64Array[];
  holes: boolean[];
}

export interface LocalFrame {
  lon0: number;
  lat0: number;
  metresPerLon: number;
  metresPerLat: number;
}

export function localFrame(lon0: number, lat0: number): LocalFrame {
  const scale = metresPerDegree(lat0);
  return { lon0, lat0, metresPerLon: scale.lon, metresPerLat: scale.lat };
}

export function toLocalXY(frame: LocalFrame, lon: number, lat: number): [number, number] {
  return [(lon - frame.lon0) * frame.metresPerLon, (lat - frame.lat0) * frame.metresPerLat];
}

export function toLonLatOf(frame: LocalFrame, x: number, y: number): [number, number] {
  return [frame.lon0 + x / frame.metresPerLon, frame.lat0 + y / frame.metresPerLat];
}

/** The buildings whose bounding box comes within `radius` metres of the frame's origin, in the frame. */
export function buildingsAround(buildings: PlanningBuildings, frame: LocalFrame, radius: number): LocalBuilding[] {
  const dLon = radius / frame.metresPerLon;
  const dLat = radius / frame.metresPerLat;
  const found = buildings.count === 0 ? [] : buildings.index.search(frame.lon0 - dLon, frame.lat0 - dLat, frame.lon0 + dLon, frame.lat0 + dLat);
  return found.map((b) => localBuilding(buildings, frame, b));
}

export function localBuilding(buildings: PlanningBuildings, frame: LocalFrame, b: number): LocalBuilding {
  const { ringOffsets, pointOffsets, lonLat, holes } = buildings;
  const rings: Float64Array[] = [];
  const ringHoles: boolean[] = [];
  for (let r = ringOffsets[b]!; r < ringOffsets[b + 1]!; r++) {
    const start = pointOffsets[r]!;
    const end = pointOffsets[r + 1]!;
    const ring = new Float64Array((end - start) * 2);
    for (let p = start; p < end; p++) {
      ring[(p - start) * 2] = (lonLat[p * 2]! - frame.lon0) * frame.metresPerLon;
      ring[(p - start) * 2 + 1] = (lonLat[p * 2 + 1]! - frame.lat0) * frame.metresPerLat;
    }
    rings.push(ring);
    ringHoles.push(holes[r] === 1);
  }
  return { building: b, base: buildings.base[b]!, top: buildings.top[b]!, rings, holes: ringHoles };
}

/** Whether (x, y) lies inside the building's footprint (even-odd over all its rings: holes are outside). */
export function insideFootprint(rings: readonly Float64Array[], x: number, y: number): boolean {
  let inside = false;
  for (const ring of rings) {
    const n = ring.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const xi = ring[i * 2]!,
        yi = ring[i * 2 + 1]!,
        xj = ring[j * 2]!,
        yj = ring[j * 2 + 1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/**
 * Where a horizontal ray from (ox, oy) along the unit direction (dx, dy) is over the footprint:
 * the distance where it first enters (0 when it starts inside) and where it last leaves, or
 * undefined when it misses. The span between is taken as solid (a concave footprint's notch
 * crossed by the ray counts as building: a ray rises, so only the entry decides against the top).
 */
export function rayOverFootprint(rings: readonly Float64Array[], ox: number, oy: number, dx: number, dy: number): [number, number] | undefined {
  let first = Infinity;
  let last = -Infinity;
  let crossings = 0;
  for (const ring of rings) {
    const n = ring.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ax = ring[j * 2]!,
        ay = ring[j * 2 + 1]!;
      const ex = ring[i * 2]! - ax,
        ey = ring[i * 2 + 1]! - ay;
      const denominator = dx * ey - dy * ex;
      if (denominator === 0) continue; // parallel: the neighbouring edges decide
      const wx = ax - ox,
        wy = ay - oy;
      const s = (wx * ey - wy * ex) / denominator;
      const u = (wx * dy - wy * dx) / denominator;
      // Half-open in u so a ray through a vertex counts one of its two edges.
      if (u < 0 || u >= 1 || s < 0) continue;
      crossings++;
      if (s < first) first = s;
      if (s > last) last = s;
    }
  }
  if (crossings === 0) return undefined;
  // An odd number of crossings ahead: the origin is inside.
  return crossings % 2 === 1 ? [0, last] : [first, last];
}

/** The nearest distance from (x, y) to the footprint's outline (0 inside). */
export function distanceToFootprint(rings: readonly Float64Array[], x: number, y: number): number {
  if (insideFootprint(rings, x, y)) return 0;
  let best = Infinity;
  for (const ring of rings) {
    const n = ring.length / 2;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const ax = ring[j * 2]!,
        ay = ring[j * 2 + 1]!;
      const ex = ring[i * 2]! - ax,
        ey = ring[i * 2 + 1]! - ay;
      const lengthSquared = ex * ex + ey * ey;
      const t = lengthSquared === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / lengthSquared));
      const d = Math.hypot(ax + t * ex - x, ay + t * ey - y);
      if (d < best) best = d;
    }
  }
  return best;
}

/**
 * The directions (radians clockwise from north, as a start and a sweep) under which the
 * footprint is seen from (x, y); the full circle when (x, y) is inside or the building wraps
 * round it.
 */
export function azimuthSpan(rings: readonly Float64Array[], x: number, y: number): [number, number] {
  const ring = rings[0]!;
  const reference = Math.atan2(ring[0]! - x, ring[1]! - y);
  let low = 0;
  let high = 0;
  let previous = 0;
  let turned = 0;
  const n = ring.length / 2;
  for (let i = 1; i <= n; i++) {
    const k = i % n;
    const a = Math.atan2(ring[k * 2]! - x, ring[k * 2 + 1]! - y) - reference;
    let relative = a;
    // Unwrap against the previous vertex: edges of a footprint subtend less than π unless the point is inside.
    while (relative - previous > Math.PI) relative -= 2 * Math.PI;
    while (relative - previous < -Math.PI) relative += 2 * Math.PI;
    turned += relative - previous;
    previous = relative;
    if (relative < low) low = relative;
    if (relative > high) high = relative;
  }
  if (Math.abs(turned) > Math.PI || high - low >= 2 * Math.PI) return [0, 2 * Math.PI];
  return [reference + low, high - low];
}

/** Rounds to a centimetre (or `digits` decimals). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
