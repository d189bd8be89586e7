import geodesic from 'geographiclib-geodesic';
import type { AreaMeasure, DistanceLeg, DistanceMeasure, HeightMeasure, MeasurePoint, MeasureResult } from '../formats/measure.js';
import { MEASURE_KINDS } from '../formats/measure.js';
import { ringSelfIntersects } from '../geometry/ringSelfIntersects.js';

/**
 * Distances and areas on the WGS84 ellipsoid with Karney's geodesics (GeographicLib): exact to
 * nanometres. Turf's `distance` and `area` work on a sphere of radius 6,371 km, off by up to
 * 0.5 % against the ellipsoid (0.3 % east–west at Tianjin's 39° N): half a metre on a 100 m
 * street, more than a planner measuring a setback can accept.
 */
const WGS84 = geodesic.Geodesic.WGS84;

/** Farther than a district: a pick on the horizon, not a measurement. */
export const MAX_MEASURE_SPAN = 100_000;
/** Heights outside this are a mistake (deeper than any shaft, higher than any tower). */
const MAX_ABS_HEIGHT = 10_000;
/** Most points a line or polygon may have. */
export const MAX_MEASURE_POINTS = 1000;

/**
 * `measure({kind, points})` for the kinds measured from the points alone (distance, area,
 * height); `depth` needs the pipes and is answered by the planning worker (pipeDepth.ts).
 * Bad input is an Error that names what is wrong.
 */
export function measure(request: unknown): Exclude<MeasureResult, { kind: 'depth' }> {
  if (typeof request !== 'object' || request === null) throw new Error(`measure takes {kind, points}; got ${JSON.stringify(request)?.slice(0, 60)}`);
  const { kind, points } = request as { kind?: unknown; points?: unknown };
  if (typeof kind !== 'string' || !(MEASURE_KINDS as readonly string[]).includes(kind))
    throw new Error(`the measure kind is ${JSON.stringify(kind)}: one of ${MEASURE_KINDS.join(', ')}`);
  if (kind === 'depth') throw new Error('a pipe depth is measured on the pipes: the planning worker answers it (planning.pipeDepth)');
  const checked = checkMeasurePoints(points);
  if (kind === 'distance') return measureDistance(checked);
  if (kind === 'area') return measureArea(checked);
  return measureHeight(checked);
}

export function measureDistance(points: MeasurePoint[]): DistanceMeasure {
  if (points.length < 2) throw new Error(`a distance needs two points or more; got ${points.length}`);
  const legs: DistanceLeg[] = [];
  for (let i = 0; i + 1 < points.length; i++) legs.push(leg(points[i]!, points[i + 1]!));
  return {
    kind: 'distance',
    points,
    legs,
    ground: legs.reduce((sum, l) => sum + l.ground, 0),
    spatial: legs.reduce((sum, l) => sum + l.spatial, 0),
  };
}

export function measureArea(input: MeasurePoint[]): AreaMeasure {
  const points = [...input];
  const first = points[0];
  const last = points[points.length - 1];
  if (points.length > 1 && first![0] === last![0] && first![1] === last![1]) points.pop();
  if (points.length < 3) throw new Error(`an area needs three corners or more; got ${points.length}`);
  // Crossing edges in a local plane (metres east and north of the first corner): at district
  // scale the plane and the ellipsoid agree on which edges cross.
  const lat0 = (points[0]![1] * Math.PI) / 180;
  const local = new Float64Array(points.length * 2);
  points.forEach(([lon, lat], i) => {
    local[i * 2] = (lon - points[0]![0]) * 111_320 * Math.cos(lat0);
    local[i * 2 + 1] = (lat - points[0]![1]) * 110_574;
  });
  if (ringSelfIntersects(local)) throw new Error('the area polygon crosses itself: draw its outline without crossing edges');
  let twicePlaneArea = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) twicePlaneArea += local[j * 2]! * local[i * 2 + 1]! - local[i * 2]! * local[j * 2 + 1]!;
  if (Math.abs(twicePlaneArea) / 2 < 0.01)
    throw new Error(`the area polygon encloses ${(Math.abs(twicePlaneArea) / 2).toFixed(4)} m²: its corners must not lie on one line`);
  const polygon = WGS84.Polygon(false);
  for (const [lon, lat] of points) polygon.AddPoint(lat, lon);
  // sign = true: counter-clockwise positive, clockwise negative (unsigned, a clockwise ring
  // would be the rest of the Earth); the area enclosed is its magnitude.
  const { area, perimeter } = polygon.Compute(false, true);
  return { kind: 'area', points, area: Math.abs(area ?? 0), perimeter };
}

export function measureHeight(points: MeasurePoint[]): HeightMeasure {
  if (points.length !== 2) throw new Error(`a height is measured between two picks; got ${points.length}`);
  const l = leg(points[0]!, points[1]!);
  return { kind: 'height', points, height: l.rise, ground: l.ground, spatial: l.spatial };
}

/**
 * One leg: the geodesic over the ellipsoid, and the straight line in 3D as the hypotenuse of
 * the geodesic and the rise (the chord under a 10 km arc is 1 mm shorter: nothing at this scale).
 */
function leg(a: MeasurePoint, b: MeasurePoint): DistanceLeg {
  const inverse = WGS84.Inverse(a[1], a[0], b[1], b[0]);
  const ground = inverse.s12 ?? 0;
  const rise = b[2] - a[2];
  const azimuth = ground > 0 ? ((inverse.azi1 ?? 0) + 360) % 360 : 0;
  return { ground, spatial: Math.hypot(ground, rise), rise, azimuth };
}

/** `[[lon, lat, height], …]` (height optional: 0), within a district, or an Error naming what is wrong. */
export function checkMeasurePoints(points: unknown): MeasurePoint[] {
  if (!Array.isArray(points)) throw new Error(`measure points are [[lon, lat, height], …]; got ${JSON.stringify(points)?.slice(0, 60)}`);
  if (points.length > MAX_MEASURE_POINTS) throw new Error(`${points.length} measure points: at most ${MAX_MEASURE_POINTS}`);
  const checked = points.map((point: unknown, i): MeasurePoint => {
    const what = `measure point ${i + 1}`;
    if (!Array.isArray(point) || point.length < 2 || point.length > 3 || point.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new Error(`${what} is ${JSON.stringify(point)?.slice(0, 60)}: a point is [lon, lat, height] in degrees and metres`);
    const [lon, lat, height = 0] = point as number[];
    if (Math.abs(lon!) > 180 || Math.abs(lat!) > 90) throw new Error(`${what} is [${lon}, ${lat}]: longitude −180…180, latitude −90…90 degrees`);
    if (Math.abs(height) > MAX_ABS_HEIGHT) throw new Error(`${what}'s height is ${height} m: at most ${MAX_ABS_HEIGHT} m from the ground`);
    return [lon!, lat!, height];
  });
  for (let i = 1; i < checked.length; i++) {
    const s = WGS84.Inverse(checked[0]![1], checked[0]![0], checked[i]![1], checked[i]![0]).s12 ?? 0;
    if (s > MAX_MEASURE_SPAN)
      throw new Error(`measure point ${i + 1} is ${Math.round(s / 1000)} km from the first: a measurement spans at most ${MAX_MEASURE_SPAN / 1000} km`);
  }
  return checked;
}
