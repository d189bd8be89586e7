import { BUILDING_FOOTPRINTS_FORMAT, type BuildingFootprintsDocument } from '../../../workers/formats/buildingFootprints.js';
import { GROUND } from '../../../workers/geometry/MeshAccumulator.js';
import type { BuildingRecord } from './BuildingRecord.js';

/**
 * Writes footprints.json (format in workers/formats/buildingFootprints.ts), a building at a time,
 * from the same records the tiles are built from — every input format (GeoJSON, Shapefile,
 * CityJSON) arrives here as a BuildingRecord. A footprint keeps its polygons and holes; a 3D
 * model gives its ground surfaces' outlines, or the convex hull of its vertices where it has none
 * (an LoD1/LoD2 model without a GroundSurface).
 */
export class BuildingFootprintsWriter {
  private readonly ids: string[] = [];
  private readonly base: number[] = [];
  private readonly top: number[] = [];
  /** Per building: its rings, each a list of lon/lat pairs and whether it is a hole. */
  private readonly rings: { lonLat: number[]; hole: boolean }[][] = [];

  add(record: BuildingRecord): void {
    const rings: { lonLat: number[]; hole: boolean }[] = [];
    for (const polygon of record.polygons) {
      polygon.ringStarts.forEach((start, r) => {
        const end = polygon.ringStarts[r + 1] ?? polygon.lonLat.length / 2;
        rings.push({ lonLat: Array.from(polygon.lonLat.subarray(start * 2, end * 2), round7), hole: r > 0 });
      });
    }
    if (record.polygons.length === 0) {
      for (const surface of record.surfaces) {
        if (surface.surface !== GROUND) continue;
        const end = surface.ringStarts[1] ?? surface.lonLatHeight.length / 3;
        const lonLat: number[] = [];
        for (let i = 0; i < end; i++) lonLat.push(round7(surface.lonLatHeight[i * 3]!), round7(surface.lonLatHeight[i * 3 + 1]!));
        if (lonLat.length >= 6) rings.push({ lonLat, hole: false });
      }
      if (rings.length === 0) rings.push({ lonLat: convexHull(record.surfaces.flatMap((s) => lonLatOf(s.lonLatHeight))), hole: false });
    }
    this.ids.push(record.id);
    this.base.push(round2(record.base));
    this.top.push(round2(record.height));
    this.rings.push(rings);
  }

  /** `leaveOut`: positions (in the order added) of buildings not to write, e.g. those whose tile failed. */
  toJson(leaveOut: ReadonlySet<number> = new Set()): string {
    const document: BuildingFootprintsDocument = {
      format: BUILDING_FOOTPRINTS_FORMAT,
      version: 1,
      count: 0,
      ids: [],
      base: [],
      top: [],
      ringOffsets: [0],
      pointOffsets: [0],
      holes: [],
      lonLat: [],
    };
    this.ids.forEach((id, b) => {
      if (leaveOut.has(b)) return;
      const rings = this.rings[b]!.filter((ring) => ring.lonLat.length >= 6);
      if (rings.length === 0) return;
      document.ids.push(id);
      document.base.push(this.base[b]!);
      document.top.push(this.top[b]!);
      for (const ring of rings) {
        for (const v of ring.lonLat) document.lonLat.push(v);
        document.pointOffsets.push(document.lonLat.length / 2);
        document.holes.push(ring.hole ? 1 : 0);
      }
      document.ringOffsets.push(document.holes.length);
      document.count++;
    });
    return JSON.stringify(document);
  }
}

function lonLatOf(lonLatHeight: Float64Array): [number, number][] {
  const points: [number, number][] = [];
  for (let i = 0; i < lonLatHeight.length; i += 3) points.push([lonLatHeight[i]!, lonLatHeight[i + 1]!]);
  return points;
}

/** Andrew's monotone chain: the hull counter-clockwise, open, as lon/lat pairs (7 decimals). */
function convexHull(points: [number, number][]): number[] {
  const sorted = points.map(([x, y]) => [round7(x), round7(y)] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const chain = (list: [number, number][]): [number, number][] => {
    const out: [number, number][] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...chain(sorted), ...chain([...sorted].reverse())].flat();
}

function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
