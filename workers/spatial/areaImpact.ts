import Flatbush from 'flatbush';
import { kinks, polygon as turfPolygon } from '@turf/turf';
import type { Footprint, LonLat } from '../formats/incident.js';
import { LocalPlane } from './LocalPlane.js';
import { PARKING_POI_KINDS, type AreaSources } from './AreaSources.js';
import { boxMeetsRing, pointBoxDistance, pointInRing, pointSegmentDistance, segmentMeetsRing } from './planeTests.js';

/**
 * The area sources with a flatbush index per layer, on a local plane in metres (built once,
 * kept by the worker between queries).
 */
export class AreaIndex {
  readonly plane: LocalPlane;
  readonly buildings: LayerIndex;
  readonly pois: LayerIndex;
  readonly sensors: LayerIndex;
  readonly pipes: LayerIndex;

  constructor(readonly sources: AreaSources) {
    const { buildings, pois, sensors, pipes } = sources;
    checkColumns('buildings', buildings.ids.length, [buildings.lon, buildings.lat, ...(buildings.bounds ? Object.values(buildings.bounds) : [])]);
    checkColumns('pois', pois.ids.length, [pois.kinds, pois.names, pois.capacity, pois.lon, pois.lat]);
    checkColumns('sensors', sensors.ids.length, [sensors.types, sensors.lon, sensors.lat]);
    checkColumns('pipes', pipes.ids.length, [pipes.categories, pipes.fromLon, pipes.fromLat, pipes.toLon, pipes.toLat]);
    const allLon = [buildings.lon, pois.lon, sensors.lon, pipes.fromLon, pipes.toLon].flatMap(extent);
    const allLat = [buildings.lat, pois.lat, sensors.lat, pipes.fromLat, pipes.toLat].flatMap(extent);
    this.plane = allLon.length ? LocalPlane.around(allLon, allLat) : new LocalPlane(0, 0);
    const { plane } = this;
    this.buildings = buildings.bounds
      ? boxLayer(buildings.ids.length, (i) => [
          plane.x(buildings.bounds!.minLon[i]!),
          plane.y(buildings.bounds!.minLat[i]!),
          plane.x(buildings.bounds!.maxLon[i]!),
          plane.y(buildings.bounds!.maxLat[i]!),
        ])
      : pointLayer(plane, buildings.lon, buildings.lat);
    this.pois = pointLayer(plane, pois.lon, pois.lat);
    this.sensors = pointLayer(plane, sensors.lon, sensors.lat);
    this.pipes = boxLayer(pipes.ids.length, (i) => [
      plane.x(pipes.fromLon[i]!),
      plane.y(pipes.fromLat[i]!),
      plane.x(pipes.toLon[i]!),
      plane.y(pipes.toLat[i]!),
    ]);
  }
}

/** A layer's items on the plane: [x0, y0, x1, y1] per item (a point twice, a segment's ends, a box's corners). */
interface LayerIndex {
  coordinates: Float64Array;
  index: Flatbush | null;
}

function pointLayer(plane: LocalPlane, lon: Float64Array, lat: Float64Array): LayerIndex {
  return boxLayer(lon.length, (i) => {
    const x = plane.x(lon[i]!);
    const y = plane.y(lat[i]!);
    return [x, y, x, y];
  });
}

function boxLayer(count: number, corners: (i: number) => [number, number, number, number]): LayerIndex {
  const coordinates = new Float64Array(count * 4);
  if (count === 0) return { coordinates, index: null };
  const index = new Flatbush(count);
  for (let i = 0; i < count; i++) {
    const c = corners(i);
    coordinates.set(c, i * 4);
    index.add(Math.min(c[0], c[2]), Math.min(c[1], c[3]), Math.max(c[0], c[2]), Math.max(c[1], c[3]));
  }
  index.finish();
  return { coordinates, index };
}

/** [min, max] of a column, or nothing for an empty one. */
function extent(column: Float64Array): number[] {
  if (column.length === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < column.length; i++) {
    min = Math.min(min, column[i]!);
    max = Math.max(max, column[i]!);
  }
  return [min, max];
}

function checkColumns(layer: string, count: number, columns: ArrayLike<unknown>[]): void {
  if (columns.some((column) => column.length !== count)) throw new RangeError(`area sources: the ${layer} columns differ in length`);
}

/** What lies in an area: indices into the sources' layers (ascending) and their ids. */
export interface AreaImpact {
  buildings: { index: Uint32Array; ids: string[] };
  /** Points of interest other than parking. */
  pois: { index: Uint32Array; ids: string[]; kinds: string[] };
  /** Parking sites (PARKING_POI_KINDS) and their spaces in total. */
  parking: { index: Uint32Array; ids: string[]; spaces: number };
  sensors: { index: Uint32Array; ids: number[] };
  pipes: { index: Uint32Array; ids: string[] };
  /** The area in square metres (on the local plane). */
  areaSquareMetres: number;
}

export interface AreaImpactOptions {
  /** The radius to use for a point footprint (metres); required for one. */
  pointRadiusMetres?: number;
}

/** An area on the plane: a circle or one polygon ring. */
type PlaneArea = { kind: 'circle'; x: number; y: number; radius: number } | { kind: 'polygon'; ring: Float64Array };

/**
 * The buildings, points of interest, parking sites, sensors and pipes in an incident's
 * footprint (a circle, a polygon, or a point with a radius). Candidates come from each layer's
 * flatbush index by the area's bounding box, then an exact test: distance to the centre for a
 * circle, point-in-polygon and segment-meets-polygon for a polygon; an item touching the area
 * is in it. A polygon that crosses itself is refused (turf's `kinks`).
 */
export function areaImpact(index: AreaIndex, footprint: Footprint, options: AreaImpactOptions = {}): AreaImpact {
  const area = planeArea(index.plane, footprint, options);
  const { sources } = index;
  const buildings = selectIn(index.buildings, sources.buildings.bounds ? 'box' : 'point', area);
  const allPois = selectIn(index.pois, 'point', area);
  const parkingKinds = new Set(PARKING_POI_KINDS);
  const pois = allPois.filter((i) => !parkingKinds.has(sources.pois.kinds[i]!));
  const parking = allPois.filter((i) => parkingKinds.has(sources.pois.kinds[i]!));
  const sensors = selectIn(index.sensors, 'point', area);
  const pipes = selectIn(index.pipes, 'segment', area);
  let spaces = 0;
  for (const i of parking) if (Number.isFinite(sources.pois.capacity[i]!)) spaces += sources.pois.capacity[i]!;
  return {
    buildings: { index: buildings, ids: Array.from(buildings, (i) => sources.buildings.ids[i]!) },
    pois: { index: pois, ids: Array.from(pois, (i) => sources.pois.ids[i]!), kinds: Array.from(pois, (i) => sources.pois.kinds[i]!) },
    parking: { index: parking, ids: Array.from(parking, (i) => sources.pois.ids[i]!), spaces },
    sensors: { index: sensors, ids: Array.from(sensors, (i) => sources.sensors.ids[i]!) },
    pipes: { index: pipes, ids: Array.from(pipes, (i) => sources.pipes.ids[i]!) },
    areaSquareMetres: area.kind === 'circle' ? Math.PI * area.radius ** 2 : Math.abs(ringArea(area.ring)),
  };
}

/**
 * The items of a layer in the area, ascending: the index's candidates in the area's box, then
 * the exact test in one plain loop per case (no callback per item: this is the hot path when
 * an area covers a whole district).
 */
function selectIn(layer: LayerIndex, shape: 'point' | 'segment' | 'box', area: PlaneArea): Uint32Array {
  if (!layer.index) return new Uint32Array(0);
  const [minX, minY, maxX, maxY] =
    area.kind === 'circle' ? [area.x - area.radius, area.y - area.radius, area.x + area.radius, area.y + area.radius] : ringBounds(area.ring);
  const candidates = layer.index.search(minX, minY, maxX, maxY);
  const c = layer.coordinates;
  const inside = new Uint32Array(candidates.length);
  let count = 0;
  for (let k = 0; k < candidates.length; k++) {
    const i = candidates[k]!;
    const o = i * 4;
    let hit: boolean;
    if (area.kind === 'circle') {
      if (shape === 'point') hit = Math.sqrt((c[o]! - area.x) ** 2 + (c[o + 1]! - area.y) ** 2) <= area.radius;
      else if (shape === 'segment') hit = pointSegmentDistance(area.x, area.y, c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!) <= area.radius;
      else
        hit =
          pointBoxDistance(
            area.x,
            area.y,
            Math.min(c[o]!, c[o + 2]!),
            Math.min(c[o + 1]!, c[o + 3]!),
            Math.max(c[o]!, c[o + 2]!),
            Math.max(c[o + 1]!, c[o + 3]!),
          ) <= area.radius;
    } else if (shape === 'point') hit = pointInRing(area.ring, c[o]!, c[o + 1]!);
    else if (shape === 'segment') hit = segmentMeetsRing(area.ring, c[o]!, c[o + 1]!, c[o + 2]!, c[o + 3]!);
    else hit = boxMeetsRing(area.ring, Math.min(c[o]!, c[o + 2]!), Math.min(c[o + 1]!, c[o + 3]!), Math.max(c[o]!, c[o + 2]!), Math.max(c[o + 1]!, c[o + 3]!));
    if (hit) inside[count++] = i;
  }
  return inside.slice(0, count).sort();
}

function planeArea(plane: LocalPlane, footprint: Footprint, options: AreaImpactOptions): PlaneArea {
  const circle = (centre: LonLat, radius: number): PlaneArea => {
    if (!(radius >= 0) || !Number.isFinite(radius)) throw new RangeError(`area impact: the radius must be a number of metres >= 0, got ${radius}`);
    checkLonLat(centre);
    return { kind: 'circle', x: plane.x(centre[0]), y: plane.y(centre[1]), radius };
  };
  switch (footprint.kind) {
    case 'circle':
      return circle(footprint.centre, footprint.radiusMetres);
    case 'point':
      if (options.pointRadiusMetres === undefined) throw new RangeError('area impact: a point footprint needs pointRadiusMetres');
      return circle(footprint.at, options.pointRadiusMetres);
    case 'polygon': {
      const ring = footprint.ring.slice();
      ring.forEach(checkLonLat);
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first && last && first[0] === last[0] && first[1] === last[1]) ring.pop();
      if (ring.length < 3) throw new RangeError(`area impact: a polygon needs at least 3 distinct vertices, got ${ring.length}`);
      const crossings = kinks(turfPolygon([[...ring, ring[0]!]])).features;
      if (crossings.length > 0)
        throw new RangeError(`area impact: the polygon crosses itself (at ${crossings[0]!.geometry.coordinates.map((v) => v.toFixed(6)).join(', ')})`);
      const flat = new Float64Array(ring.length * 2);
      ring.forEach(([lon, lat], i) => {
        flat[2 * i] = plane.x(lon);
        flat[2 * i + 1] = plane.y(lat);
      });
      if (ringArea(flat) === 0) throw new RangeError('area impact: the polygon has no area');
      return { kind: 'polygon', ring: flat };
    }
    default:
      throw new RangeError(`area impact: unknown footprint kind ${String((footprint as { kind?: unknown }).kind)}`);
  }
}

function checkLonLat(position: LonLat): void {
  const [lon, lat] = position;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90)
    throw new RangeError(`area impact: ${JSON.stringify(position)} is not a [lon, lat] position`);
}

function ringBounds(ring: Float64Array): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    minX = Math.min(minX, ring[i]!);
    maxX = Math.max(maxX, ring[i]!);
    minY = Math.min(minY, ring[i + 1]!);
    maxY = Math.max(maxY, ring[i + 1]!);
  }
  return [minX, minY, maxX, maxY];
}

/** Signed area (shoelace). */
function ringArea(ring: Float64Array): number {
  let sum = 0;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) sum += ring[2 * j]! * ring[2 * i + 1]! - ring[2 * i]! * ring[2 * j + 1]!;
  return sum / 2;
}
