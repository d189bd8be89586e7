/**
 * What the measure tool answers (issue 16): `cimTwin.tools.measure({kind, points})` and the
 * measure kernel (workers/planning/measure.ts). Points are `[lon, lat, height]`: degrees (WGS84)
 * and metres above the ellipsoid (the tiles' frame: 0 on the demo's flat ground).
 */

export type MeasureKind = 'distance' | 'area' | 'height' | 'depth';
export const MEASURE_KINDS: readonly MeasureKind[] = ['distance', 'area', 'height', 'depth'];

/** `[lon, lat, height]`: degrees, degrees, metres. */
export type MeasurePoint = readonly [number, number, number];

export interface MeasureRequest {
  kind: MeasureKind;
  /**
   * distance: a polyline (2 points or more); area: a polygon's corners (3 or more, not crossing
   * itself); height: two picks; depth: one pick on a pipe (the pipe comes with `pipeId`).
   */
  points: readonly MeasurePoint[];
  /** depth: the picked pipe (network.json's id); without it, the nearest pipe within its half width + 2 m of the pick. */
  pipeId?: string;
}

/** One leg of a distance: from point `from` to point `from + 1`. */
export interface DistanceLeg {
  /** Over the ground: the geodesic on the WGS84 ellipsoid (Karney), metres. */
  ground: number;
  /** In 3D: the straight line between the two points, heights included, metres. */
  spatial: number;
  /** Height of the second point above the first (negative: down), metres. */
  rise: number;
  /** Azimuth at the first point, degrees clockwise from north (0–360). */
  azimuth: number;
}

export interface DistanceMeasure {
  kind: 'distance';
  points: MeasurePoint[];
  legs: DistanceLeg[];
  /** Sums over the legs, metres. */
  ground: number;
  spatial: number;
}

export interface AreaMeasure {
  kind: 'area';
  points: MeasurePoint[];
  /** The horizontal polygon's area on the WGS84 ellipsoid, m² (Karney's geodesic polygon). */
  area: number;
  /** Its perimeter along geodesics, metres. */
  perimeter: number;
}

export interface HeightMeasure {
  kind: 'height';
  points: MeasurePoint[];
  /** Height of the second pick above the first (negative: below), metres. */
  height: number;
  /** Horizontal (geodesic) and straight-line distance between the picks, metres. */
  ground: number;
  spatial: number;
}

/** The depth of a pipe below the ground where it was picked, from network.json's surveyed depths. */
export interface DepthMeasure {
  kind: 'depth';
  points: MeasurePoint[];
  pipeId: string;
  category: string;
  /** The point on the pipe's centre line nearest the pick, `[lon, lat]`. */
  at: [number, number];
  /** Depth below the ground there of the crown (管顶) and the invert (管底), metres. */
  depthTop: number;
  depthBottom: number;
  /** Ground height there (m, the tiles' frame). */
  ground: number;
  /** Plan distance from the pick to that point of the centre line (m). */
  distance: number;
}

export type MeasureResult = DistanceMeasure | AreaMeasure | HeightMeasure | DepthMeasure;
