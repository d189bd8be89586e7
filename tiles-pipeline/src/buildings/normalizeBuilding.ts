import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { Crs } from '../crs/Crs.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import type { IssueCode, RepairCode, SkipCode } from '../report/IssueCode.js';
import type { Attributes, FootprintFeature, ModelFeature } from '../readers/SourceFeature.js';
import type { BuildingRecord, GeoPolygon, GeoSurface } from './BuildingRecord.js';
import {
  type BuildingOptions,
  FLOORS_FIELDS,
  HEIGHT_FIELDS,
  MAX_BUILDING_HEIGHT,
  MAX_FOOTPRINT_EXTENT_METRES,
  MAX_RING_VERTICES,
  MIN_FOOTPRINT_AREA,
  MIN_HEIGHT_FIELDS,
  RING_SIMPLIFY_TOLERANCE_METRES,
} from './BuildingOptions.js';
import { ringSelfIntersects } from '../../../workers/geometry/ringSelfIntersects.js';
import { simplifyRing } from '../../../workers/geometry/simplifyRing.js';

export type NormalizeResult = { ok: true; record: BuildingRecord; repairs: FeatureIssue[] } | { ok: false; issue: FeatureIssue; repairs: FeatureIssue[] };

export interface NormalizeContext {
  crs: Crs;
  options: BuildingOptions;
  /** Shapefiles wind outer rings clockwise; GeoJSON (RFC 7946) counter-clockwise. */
  outerRingClockwise: boolean;
  sequence: number;
}

class Skip extends Error {
  constructor(
    readonly code: SkipCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Validates a footprint or model, repairs what is safe to repair (closing, duplicate vertices,
 * winding, unambiguous lat/lon swaps) and converts it to WGS84. Anything else skips the feature.
 */
export function normalizeBuilding(feature: FootprintFeature | ModelFeature, context: NormalizeContext): NormalizeResult {
  const name = feature.origin.id ?? `#${feature.origin.index}`;
  const repairs: FeatureIssue[] = [];
  const repaired = new Set<IssueCode>();
  const repair = (code: RepairCode, message: string): void => {
    if (repaired.has(code)) return; // one warning per code and feature is enough
    repaired.add(code);
    repairs.push({ file: feature.origin.file, feature: name, code, message });
  };
  try {
    const record = feature.kind === 'footprint' ? footprintRecord(feature, context, repair) : modelRecord(feature, context, repair);
    return { ok: true, record, repairs };
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
    return { ok: false, issue: { file: feature.origin.file, feature: name, code: error.code, message: error.message }, repairs };
  }
}

type Repair = (code: RepairCode, message: string) => void;

function footprintRecord(feature: FootprintFeature, context: NormalizeContext, repair: Repair): BuildingRecord {
  if (feature.polygons.length === 0) throw new Skip('GEOMETRY_MISSING', 'the footprint has no polygons');
  const polygons: GeoPolygon[] = [];
  let area = 0;
  const point = new Float64Array(2);
  for (const polygon of feature.polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) throw new Skip('GEOMETRY_MISSING', 'a polygon has no rings');
    const rings: number[][] = [];
    polygon.forEach((ring, r) => {
      if (!Array.isArray(ring)) throw new Skip('GEOMETRY_MISSING', `ring ${r} is not an array of positions`);
      const lonLat: number[] = [];
      ring.forEach((position, p) => {
        if (!Array.isArray(position) || position.length < 2) throw new Skip('COORDINATE_NOT_FINITE', `ring ${r} position ${p} is not a coordinate pair`);
        const x = position[0] as unknown;
        const y = position[1] as unknown;
        if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
          throw new Skip('COORDINATE_NOT_FINITE', `ring ${r} position ${p} is ${JSON.stringify(position).slice(0, 60)}: coordinates must be finite numbers`);
        }
        toWgs84(x, y, context.crs, point, repair, `ring ${r} position ${p}`);
        lonLat.push(point[0]!, point[1]!);
      });
      rings.push(cleanRing(lonLat, r, repair, context.options.maxRingVertices ?? MAX_RING_VERTICES));
    });
    const first = rings[0]!;
    const outerArea = signedArea(first);
    const wantClockwiseOuter = context.outerRingClockwise;
    if (outerArea < 0 !== wantClockwiseOuter && outerArea !== 0) repair('WINDING_FIXED', 'ring orientation did not follow the format convention; normalised');
    const ringStarts: number[] = [];
    let total = 0;
    for (const ring of rings) total += ring.length;
    const flat = new Float64Array(total);
    let offset = 0;
    rings.forEach((ring, r) => {
      const ccw = signedArea(ring) > 0;
      // Outer rings counter-clockwise, holes clockwise: what the extruder expects.
      if (ccw !== (r === 0)) reverseRing(ring);
      ringStarts.push(offset / 2);
      flat.set(ring, offset);
      offset += ring.length;
    });
    area += Math.abs(signedArea(first)) - rings.slice(1).reduce((sum, hole) => sum + Math.abs(signedArea(hole)), 0);
    polygons.push({ lonLat: flat, ringStarts });
  }
  const bbox = boundsOf(
    polygons.map((p) => p.lonLat),
    2,
  );
  const scale = metresPerDegree((bbox[1] + bbox[3]) / 2);
  const widthMetres = (bbox[2] - bbox[0]) * scale.lon;
  const depthMetres = (bbox[3] - bbox[1]) * scale.lat;
  if (Math.max(widthMetres, depthMetres) > MAX_FOOTPRINT_EXTENT_METRES) {
    throw new Skip('EXTENT_ABSURD', `the footprint spans ${Math.round(widthMetres)} m x ${Math.round(depthMetres)} m: a stray vertex or wrong coordinates`);
  }
  const areaMetres = area * scale.lon * scale.lat;
  if (!(areaMetres >= MIN_FOOTPRINT_AREA)) throw new Skip('AREA_DEGENERATE', `the footprint area is ${areaMetres.toFixed(3)} m²`);

  const { base, height } = heightsOf(feature.attributes, context.options, repair);
  let vertexCount = 0;
  for (const p of polygons) vertexCount += (p.lonLat.length / 2) * 5;
  return {
    sequence: context.sequence,
    origin: feature.origin,
    id: feature.origin.id ?? `${feature.origin.index}`,
    attributes: feature.attributes,
    cimLevel: 2,
    base,
    height,
    buildingHeight: height,
    polygons,
    surfaces: [],
    bbox,
    importance: Math.max(height - base, Math.sqrt(areaMetres)),
    vertexCount,
  };
}

function modelRecord(feature: ModelFeature, context: NormalizeContext, repair: Repair): BuildingRecord {
  const surfaces: GeoSurface[] = [];
  const point = new Float64Array(2);
  let minZ = Infinity;
  let maxZ = -Infinity;
  let vertexCount = 0;
  feature.surfaces.forEach((surface, s) => {
    const ringStarts: number[] = [];
    const values: number[] = [];
    surface.rings.forEach((ring, r) => {
      const ringValues: number[] = [];
      for (const position of ring) {
        const [x, y, z] = position as [number, number, number];
        if (![x, y, z].every(Number.isFinite)) throw new Skip('COORDINATE_NOT_FINITE', `surface ${s} ring ${r} has a non-finite coordinate`);
        toWgs84(x, y, context.crs, point, repair, `surface ${s}`);
        ringValues.push(point[0]!, point[1]!, z);
        minZ = Math.min(minZ, z);
        maxZ = Math.max(maxZ, z);
      }
      const cleaned = dropRepeats3(ringValues);
      const maxVertices = context.options.maxRingVertices ?? MAX_RING_VERTICES;
      if (cleaned.length / 3 > maxVertices) {
        throw new Skip('RING_TOO_MANY_VERTICES', `surface ${s} ring ${r} has ${cleaned.length / 3} vertices: more than --max-ring-vertices ${maxVertices}`);
      }
      if (cleaned.length / 3 < 3) {
        if (r === 0) return; // a degenerate outer ring: the surface carries nothing
        return;
      }
      ringStarts.push(values.length / 3);
      values.push(...cleaned);
    });
    if (ringStarts.length === 0 || ringStarts[0] !== 0) return;
    vertexCount += values.length / 3;
    surfaces.push({ lonLatHeight: new Float64Array(values), ringStarts, surface: surface.surface });
  });
  if (surfaces.length === 0) throw new Skip('CITYJSON_NO_GEOMETRY', 'no surface with at least 3 distinct points');
  const bbox = boundsOf(
    surfaces.map((s) => s.lonLatHeight),
    3,
  );
  const scale = metresPerDegree((bbox[1] + bbox[3]) / 2);
  const extent = Math.max((bbox[2] - bbox[0]) * scale.lon, (bbox[3] - bbox[1]) * scale.lat);
  if (extent > MAX_FOOTPRINT_EXTENT_METRES) throw new Skip('EXTENT_ABSURD', `the model spans ${Math.round(extent)} m: wrong coordinates`);
  if (!(maxZ - minZ > 0)) throw new Skip('HEIGHT_INVALID', 'the model is flat (zero height)');
  if (maxZ - minZ > MAX_BUILDING_HEIGHT) throw new Skip('HEIGHT_ABSURD', `the model is ${Math.round(maxZ - minZ)} m tall`);
  return {
    sequence: context.sequence,
    origin: feature.origin,
    id: feature.origin.id ?? `${feature.origin.index}`,
    attributes: { ...feature.attributes, lod: feature.lod },
    cimLevel: 3,
    base: minZ,
    height: maxZ,
    buildingHeight: maxZ - minZ,
    polygons: [],
    surfaces,
    bbox,
    importance: Math.max(maxZ - minZ, extent),
    vertexCount,
  };
}

/** Converts one position to WGS84, repairing an unambiguous lat/lon swap in geographic input. */
function toWgs84(x: number, y: number, crs: Crs, out: Float64Array, repair: Repair, where: string): void {
  if (crs.isGeographic) {
    if (Math.abs(x) > 180 || Math.abs(y) > 180) {
      throw new Skip('COORDINATES_LOOK_PROJECTED', `${where} is (${x}, ${y}): metres in a lon/lat file? Pass the right --crs (e.g. EPSG:4548)`);
    }
    if (Math.abs(y) > 90 && Math.abs(x) <= 90) {
      repair('LATLON_SWAPPED', `coordinates were in lat, lon order (${x}, ${y}); swapped to lon, lat`);
      const t = x;
      x = y;
      y = t;
    }
  }
  crs.toWgs84(x, y, out);
  const lon = out[0]!;
  const lat = out[1]!;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw new Skip('COORDINATE_OUT_OF_RANGE', `${where} (${x}, ${y}) in ${crs.id} is not on Earth (lon ${lon}, lat ${lat}): wrong --crs?`);
  }
}

/** Closes, de-duplicates, checks and (above `maxVertices`) simplifies one ring; returns it open (last point != first). */
function cleanRing(lonLat: number[], r: number, repair: Repair, maxVertices: number): number[] {
  const n = lonLat.length / 2;
  if (n === 0) throw new Skip('RING_TOO_FEW_POINTS', `ring ${r} is empty`);
  const closed = lonLat[0] === lonLat[2 * n - 2] && lonLat[1] === lonLat[2 * n - 1];
  if (!closed) repair('RING_CLOSED', `ring ${r} was not closed; closed it`);
  const open = closed ? lonLat.slice(0, 2 * n - 2) : lonLat;
  const cleaned: number[] = [];
  for (let i = 0; i < open.length; i += 2) {
    const len = cleaned.length;
    if (len >= 2 && cleaned[len - 2] === open[i] && cleaned[len - 1] === open[i + 1]) continue;
    cleaned.push(open[i]!, open[i + 1]!);
  }
  while (cleaned.length >= 4 && cleaned[0] === cleaned[cleaned.length - 2] && cleaned[1] === cleaned[cleaned.length - 1]) cleaned.length -= 2;
  if (cleaned.length < open.length) repair('DUPLICATE_VERTICES_REMOVED', `ring ${r} had repeated vertices; removed`);
  if (cleaned.length / 2 < 3)
    throw new Skip('RING_TOO_FEW_POINTS', `ring ${r} has ${cleaned.length / 2} distinct points; a ring needs at least 3 (4 positions closed)`);
  // Over the limit, the ring is simplified first: the crossing check then runs on what is written,
  // and a ring that stays over the limit is dropped without the cost of checking it.
  if (cleaned.length / 2 > maxVertices) return simplified(cleaned, r, repair, maxVertices);
  if (ringSelfIntersects(cleaned)) throw new Skip('RING_SELF_INTERSECTS', `ring ${r} crosses itself`);
  return cleaned;
}

/** A ring over the vertex limit, simplified within the tolerance, or skipped if that is not enough. */
function simplified(ring: number[], r: number, repair: Repair, maxVertices: number): number[] {
  const n = ring.length / 2;
  const scale = metresPerDegree(ring[1]!);
  const result = Array.from(simplifyRing(ring, RING_SIMPLIFY_TOLERANCE_METRES, scale.lon, scale.lat));
  const tolerance = `${RING_SIMPLIFY_TOLERANCE_METRES * 100} cm`;
  if (result.length / 2 > maxVertices) {
    throw new Skip(
      'RING_TOO_MANY_VERTICES',
      `ring ${r} has ${n} vertices, and still ${result.length / 2} simplified within ${tolerance}: more than --max-ring-vertices ${maxVertices}`,
    );
  }
  if (ringSelfIntersects(result)) {
    throw new Skip(
      'RING_SELF_INTERSECTS',
      `ring ${r}, simplified from ${n} vertices (--max-ring-vertices ${maxVertices}) to ${result.length / 2} within ${tolerance}, crosses itself`,
    );
  }
  repair(
    'RING_SIMPLIFIED',
    `ring ${r} had ${n} vertices, more than --max-ring-vertices ${maxVertices}: simplified to ${result.length / 2} within ${tolerance}`,
  );
  return result;
}

function dropRepeats3(values: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 3) {
    const l = out.length;
    if (l >= 3 && out[l - 3] === values[i] && out[l - 2] === values[i + 1] && out[l - 1] === values[i + 2]) continue;
    out.push(values[i]!, values[i + 1]!, values[i + 2]!);
  }
  const l = out.length;
  if (l >= 6 && out[0] === out[l - 3] && out[1] === out[l - 2] && out[2] === out[l - 1]) out.length -= 3;
  return out;
}

function signedArea(ring: number[]): number {
  let sum = 0;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) sum += (ring[2 * j]! - ring[2 * i]!) * (ring[2 * j + 1]! + ring[2 * i + 1]!);
  return sum / 2;
}

function reverseRing(ring: number[]): void {
  const n = ring.length / 2;
  for (let i = 0; i < n / 2; i++) {
    const j = n - 1 - i;
    const x = ring[2 * i]!;
    const y = ring[2 * i + 1]!;
    ring[2 * i] = ring[2 * j]!;
    ring[2 * i + 1] = ring[2 * j + 1]!;
    ring[2 * j] = x;
    ring[2 * j + 1] = y;
  }
}

function boundsOf(arrays: Float64Array[], stride: number): [number, number, number, number] {
  let west = Infinity,
    south = Infinity,
    east = -Infinity,
    north = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i += stride) {
      const lon = a[i]!,
        lat = a[i + 1]!;
      if (lon < west) west = lon;
      if (lon > east) east = lon;
      if (lat < south) south = lat;
      if (lat > north) north = lat;
    }
  }
  return [west, south, east, north];
}

function heightsOf(attributes: Attributes, options: BuildingOptions, repair: Repair): { base: number; height: number } {
  const heightValue = pick(attributes, options.heightField, HEIGHT_FIELDS);
  const floorsValue = pick(attributes, options.floorsField, FLOORS_FIELDS);
  const minValue = pick(attributes, options.minHeightField, MIN_HEIGHT_FIELDS);
  let base = 0;
  if (minValue !== undefined) {
    base = toNumber(minValue);
    if (!Number.isFinite(base) || base < 0)
      throw new Skip('HEIGHT_INVALID', `min_height is ${JSON.stringify(minValue)}; it must be a number of metres, 0 or more`);
  }
  let height: number;
  if (heightValue !== undefined) {
    height = toNumber(heightValue);
    if (!Number.isFinite(height) || height <= 0)
      throw new Skip('HEIGHT_INVALID', `height is ${JSON.stringify(heightValue)}; it must be a positive number of metres${overflowHint(heightValue)}`);
  } else if (floorsValue !== undefined) {
    const floors = toNumber(floorsValue);
    if (!Number.isFinite(floors) || floors <= 0)
      throw new Skip('HEIGHT_INVALID', `floors is ${JSON.stringify(floorsValue)}; it must be a positive number${overflowHint(floorsValue)}`);
    height = base + floors * options.floorHeight;
  } else {
    height = base + options.defaultHeight;
    repair('HEIGHT_DEFAULTED', `no height or floors attribute; used the default ${options.defaultHeight} m`);
  }
  if (height > MAX_BUILDING_HEIGHT) throw new Skip('HEIGHT_ABSURD', `height ${height} m is more than ${MAX_BUILDING_HEIGHT} m: a unit error (cm? mm?)`);
  if (base >= height) throw new Skip('HEIGHT_INVALID', `min_height ${base} m is not below the height ${height} m`);
  return { base, height };
}

/** JSON numbers beyond a double's range (1e309) arrive as the text "Infinity": say why. */
function overflowHint(value: string | number | boolean): string {
  return /^-?Infinity$/.test(String(value)) ? ' (the file holds a number too large for a double, e.g. 1e309)' : '';
}

function pick(attributes: Attributes, field: string | undefined, candidates: readonly string[]): string | number | boolean | undefined {
  if (field !== undefined) {
    const value = attributes[field];
    return value === null || value === '' ? undefined : value;
  }
  for (const name of candidates) {
    const value = attributes[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

/** Numbers, and numeric text such as "25", "25.5 m" or "25m", as surveys write them. */
function toNumber(value: string | number | boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return NaN;
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(m|米)?\s*$/.exec(value);
  return match ? Number(match[1]) : NaN;
}
