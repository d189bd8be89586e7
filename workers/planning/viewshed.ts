import type { ViewshedFeature, ViewshedResult } from '../formats/buildingAnalyses.js';
import { checkPoint } from './checkPoint.js';
import { azimuthSpan, buildingsAround, insideFootprint, type LocalBuilding, localFrame, rayOverFootprint, round, toLonLatOf } from './planningBuildings.js';

export const MAX_VIEWSHED_RADIUS = 2000;
export const MAX_EYE_HEIGHT = 500;
/** Directions are binned to find the buildings a sight line can meet; the line itself is tested exactly. */
const BINS = 1440;
const TWO_PI = 2 * Math.PI;
/** Face samples stand this far out of their wall, so their own wall does not hide them. */
const OFFSET_FROM_WALL = 0.3;

export interface ViewshedOptions {
  /** Ground cell size, metres (default: radius / 40, at least 2). */
  cellSize?: number;
}

/**
 * Viewshed (可视域) from an eye at `eyeHeight` above a point: which ground cells (on flat ground
 * at 0, where the footprints stand) and which parts of the buildings' walls within `radius` the
 * eye sees past the extruded footprints, and the share seen. A sight line is hidden where it
 * passes through a building below its top.
 */
export function viewshed(
  buildings: Parameters<typeof buildingsAround>[0],
  point: unknown,
  eyeHeight: unknown,
  radius: unknown,
  options?: ViewshedOptions,
): ViewshedResult {
  const { lon, lat, height } = checkPoint(point, 'the viewshed point');
  if (typeof eyeHeight !== 'number' || !Number.isFinite(eyeHeight) || eyeHeight < 0 || eyeHeight > MAX_EYE_HEIGHT)
    throw new Error(`the eye height is ${JSON.stringify(eyeHeight) ?? String(eyeHeight)}: metres above the point, 0…${MAX_EYE_HEIGHT}`);
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0 || radius > MAX_VIEWSHED_RADIUS)
    throw new Error(`the viewshed radius is ${JSON.stringify(radius) ?? String(radius)}: metres, more than 0 and at most ${MAX_VIEWSHED_RADIUS}`);
  const cellSize = options?.cellSize ?? Math.max(2, radius / 40);
  if (typeof cellSize !== 'number' || !(cellSize >= 0.5 && cellSize <= radius))
    throw new Error(`the cell size is ${JSON.stringify(cellSize)} m: 0.5 m up to the radius`);
  const eyeZ = height + eyeHeight;
  const frame = localFrame(lon, lat);
  const around = buildingsAround(buildings, frame, radius);

  // Which buildings each direction bin can meet.
  const bins: LocalBuilding[][] = Array.from({ length: BINS }, () => []);
  for (const building of around) {
    const [start, sweep] = azimuthSpan(building.rings, 0, 0);
    const first = Math.floor((((start % TWO_PI) + TWO_PI) % TWO_PI) / (TWO_PI / BINS));
    const count = Math.min(BINS, Math.ceil(sweep / (TWO_PI / BINS)) + 1);
    for (let i = 0; i < count; i++) bins[(first + i) % BINS]!.push(building);
  }
  const seen = (x: number, y: number, z: number, own?: LocalBuilding): boolean => {
    const distance = Math.hypot(x, y);
    if (distance === 0) return true;
    const dx = x / distance,
      dy = y / distance;
    const slope = (z - eyeZ) / distance;
    const bin = Math.floor((((Math.atan2(x, y) % TWO_PI) + TWO_PI) % TWO_PI) / (TWO_PI / BINS)) % BINS;
    for (const building of bins[bin]!) {
      const over = rayOverFootprint(building.rings, 0, 0, dx, dy);
      if (!over || over[0] >= distance) continue;
      if (building === own && over[1] >= distance) continue; // its own wall, the sample just outside
      const end = Math.min(over[1], distance);
      // The sight line is straight: its lowest point over the footprint is at one end.
      const lowest = Math.min(eyeZ + slope * over[0], eyeZ + slope * end);
      const highest = Math.max(eyeZ + slope * over[0], eyeZ + slope * end);
      if (lowest < building.top && highest > building.base) return false;
    }
    return true;
  };

  const features: ViewshedFeature[] = [];
  let groundSeen = 0,
    groundCells = 0;
  const half = cellSize / 2;
  const cellsAcross = Math.ceil(radius / cellSize);
  for (let i = -cellsAcross; i < cellsAcross; i++) {
    for (let j = -cellsAcross; j < cellsAcross; j++) {
      const x = (i + 0.5) * cellSize,
        y = (j + 0.5) * cellSize;
      if (Math.hypot(x, y) > radius) continue;
      const bin = Math.floor((((Math.atan2(x, y) % TWO_PI) + TWO_PI) % TWO_PI) / (TWO_PI / BINS)) % BINS;
      if (bins[bin]!.some((b) => insideFootprint(b.rings, x, y))) continue; // under a building: not ground
      const visible = seen(x, y, 0);
      groundCells++;
      if (visible) groundSeen++;
      const ring = [
        toLonLatOf(frame, x - half, y - half),
        toLonLatOf(frame, x + half, y - half),
        toLonLatOf(frame, x + half, y + half),
        toLonLatOf(frame, x - half, y + half),
      ];
      features.push({
        type: 'Feature',
        properties: { kind: 'ground', visible },
        geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]!].map(([a, b]) => [round(a, 7), round(b, 7)])] },
      });
    }
  }

  let faceSeen = 0,
    faceSamples = 0;
  const along = Math.max(2, cellSize / 2);
  for (const building of around) {
    const { base, top } = building;
    const rows = Math.max(1, Math.min(20, Math.round((top - base) / 3)));
    building.rings.forEach((ring, r) => {
      if (building.holes[r]) return;
      const n = ring.length / 2;
      let twiceArea = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) twiceArea += ring[j * 2]! * ring[i * 2 + 1]! - ring[i * 2]! * ring[j * 2 + 1]!;
      const outward = twiceArea > 0 ? 1 : -1;
      for (let i = 0; i < n; i++) {
        const k = (i + 1) % n;
        const ax = ring[i * 2]!,
          ay = ring[i * 2 + 1]!;
        const ex = ring[k * 2]! - ax,
          ey = ring[k * 2 + 1]! - ay;
        const length = Math.hypot(ex, ey);
        if (length < 0.5 || Math.hypot(ax + ex / 2, ay + ey / 2) > radius) continue;
        const nx = (outward * ey) / length,
          ny = (-outward * ex) / length;
        const columns = Math.max(1, Math.round(length / along));
        let visibleSamples = 0;
        for (let c = 0; c < columns; c++) {
          const f = (c + 0.5) / columns;
          const x = ax + ex * f + nx * OFFSET_FROM_WALL,
            y = ay + ey * f + ny * OFFSET_FROM_WALL;
          const facesEye = -(x * nx + y * ny) > 0;
          for (let row = 0; row < rows; row++) {
            const z = base + ((row + 0.5) * (top - base)) / rows;
            if (facesEye && seen(x, y, z, building)) visibleSamples++;
          }
        }
        const samples = columns * rows;
        faceSamples += samples;
        faceSeen += visibleSamples;
        const [aLon, aLat] = toLonLatOf(frame, ax, ay);
        const [bLon, bLat] = toLonLatOf(frame, ax + ex, ay + ey);
        const corners = [
          [aLon, aLat, base],
          [bLon, bLat, base],
          [bLon, bLat, top],
          [aLon, aLat, top],
          [aLon, aLat, base],
        ].map(([a, b, h]) => [round(a!, 7), round(b!, 7), round(h!)]);
        const visibleFraction = round(visibleSamples / samples, 3);
        features.push({
          type: 'Feature',
          properties: { kind: 'face', buildingId: buildings.ids[building.building]!, visibleFraction, visible: visibleFraction >= 0.5, base, top },
          geometry: { type: 'Polygon', coordinates: [corners] },
        });
      }
    });
  }
  const percent = (part: number, whole: number): number => (whole === 0 ? 0 : round((100 * part) / whole, 1));
  return {
    geojson: { type: 'FeatureCollection', features },
    groundVisiblePercent: percent(groundSeen, groundCells),
    facesVisiblePercent: percent(faceSeen, faceSamples),
    visiblePercent: percent(groundSeen + faceSeen, groundCells + faceSamples),
    eye: { lon, lat, height: eyeZ },
    radius,
    cellSize: round(cellSize),
  };
}
