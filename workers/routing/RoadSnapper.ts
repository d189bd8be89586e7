import Flatbush from 'flatbush';
import { LocalPlane } from '../spatial/LocalPlane.js';
import type { RoadGraph } from './RoadGraph.js';

/** A point placed on the nearest road edge. */
export interface SnappedPoint {
  edge: number;
  /** Metres along the edge's polyline from its from node, and that as a share of the edge. */
  along: number;
  fraction: number;
  /** Straight-line metres from the point to the road (the walk or driveway). */
  offRoadMetres: number;
  /** The point on the road. */
  lon: number;
  lat: number;
}

/**
 * Finds the nearest point on any road edge: a flatbush index of the edges' polyline segments
 * (in metres on a local plane), its nearest box, then an exact check of every segment whose box
 * is within that distance. Also cuts edges' polylines at distances along them, for routes.
 */
export class RoadSnapper {
  readonly plane: LocalPlane;
  /** Metres from the edge's start at each geometry vertex (parallel to the graph's geometry arrays). */
  readonly geometryAlong: Float64Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly index: Flatbush;
  /** Segment s starts at geometry vertex segmentStart[s] and belongs to edge segmentEdge[s]. */
  private readonly segmentStart: Uint32Array;
  private readonly segmentEdge: Uint32Array;

  constructor(
    readonly graph: RoadGraph,
    /** 1 where an edge may be snapped to (e.g. only the largest component); all when absent. */
    private readonly snappable?: Uint8Array,
  ) {
    const vertexCount = graph.geometryLon.length;
    if (graph.edgeFrom.length === 0) throw new RangeError('RoadSnapper: the road graph has no edges');
    this.plane = LocalPlane.around(graph.nodeLon, graph.nodeLat);
    this.x = new Float64Array(vertexCount);
    this.y = new Float64Array(vertexCount);
    for (let v = 0; v < vertexCount; v++) {
      this.x[v] = this.plane.x(graph.geometryLon[v]!);
      this.y[v] = this.plane.y(graph.geometryLat[v]!);
    }
    const edgeCount = graph.edgeFrom.length;
    this.geometryAlong = new Float64Array(vertexCount);
    this.segmentStart = new Uint32Array(vertexCount - edgeCount);
    this.segmentEdge = new Uint32Array(vertexCount - edgeCount);
    this.index = new Flatbush(this.segmentStart.length);
    let s = 0;
    for (let e = 0; e < edgeCount; e++) {
      const first = graph.geometryStart[e]!;
      const last = graph.geometryStart[e + 1]! - 1;
      for (let v = first; v < last; v++) {
        this.geometryAlong[v + 1] = this.geometryAlong[v]! + Math.sqrt((this.x[v + 1]! - this.x[v]!) ** 2 + (this.y[v + 1]! - this.y[v]!) ** 2);
        this.segmentStart[s] = v;
        this.segmentEdge[s++] = e;
        this.index.add(
          Math.min(this.x[v]!, this.x[v + 1]!),
          Math.min(this.y[v]!, this.y[v + 1]!),
          Math.max(this.x[v]!, this.x[v + 1]!),
          Math.max(this.y[v]!, this.y[v + 1]!),
        );
      }
    }
    this.index.finish();
  }

  /** Length of an edge's polyline on this snapper's plane (metres). */
  edgeLength(edge: number): number {
    return this.geometryAlong[this.graph.geometryStart[edge + 1]! - 1]!;
  }

  /** The nearest point on a (snappable) road to lon/lat, or null when no edge may be snapped to. */
  snap(lon: number, lat: number): SnappedPoint | null {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RangeError(`cannot snap (${lon}, ${lat}): not a longitude/latitude`);
    const px = this.plane.x(lon);
    const py = this.plane.y(lat);
    const filter = this.snappable ? (s: number): boolean => this.snappable![this.segmentEdge[s]!] === 1 : undefined;
    const nearestBox = this.index.neighbors(px, py, 1, Infinity, filter)[0];
    if (nearestBox === undefined) return null;
    let best = this.project(nearestBox, px, py);
    const reach = best.distance;
    for (const s of this.index.search(px - reach, py - reach, px + reach, py + reach, filter)) {
      const candidate = this.project(s, px, py);
      if (candidate.distance < best.distance) best = candidate;
    }
    const v = this.segmentStart[best.segment]!;
    const edge = this.segmentEdge[best.segment]!;
    const along = this.geometryAlong[v]! + best.t * (this.geometryAlong[v + 1]! - this.geometryAlong[v]!);
    const length = this.edgeLength(edge);
    return {
      edge,
      along,
      fraction: length > 0 ? along / length : 0,
      offRoadMetres: best.distance,
      lon: this.plane.lon(this.x[v]! + best.t * (this.x[v + 1]! - this.x[v]!)),
      lat: this.plane.lat(this.y[v]! + best.t * (this.y[v + 1]! - this.y[v]!)),
    };
  }

  /**
   * Appends the part of an edge's polyline between two distances along it (metres from its
   * from node; `to` < `from` walks it backwards) to a flat [lon, lat, lon, lat, …] list,
   * without repeating the list's last point (appendPoint).
   */
  appendEdgePart(edge: number, from: number, to: number, out: number[]): void {
    const first = this.graph.geometryStart[edge]!;
    const last = this.graph.geometryStart[edge + 1]! - 1;
    const point = (along: number): void => {
      // The vertex pair around `along`, then the point between them.
      let v = first;
      while (v < last - 1 && this.geometryAlong[v + 1]! < along) v++;
      const span = this.geometryAlong[v + 1]! - this.geometryAlong[v]!;
      const t = span > 0 ? Math.min(1, Math.max(0, (along - this.geometryAlong[v]!) / span)) : 0;
      // Vertices exactly, so consecutive edges meet at the very same node coordinates.
      if (t === 0) return push(this.graph.geometryLon[v]!, this.graph.geometryLat[v]!);
      if (t === 1) return push(this.graph.geometryLon[v + 1]!, this.graph.geometryLat[v + 1]!);
      push(
        this.graph.geometryLon[v]! + t * (this.graph.geometryLon[v + 1]! - this.graph.geometryLon[v]!),
        this.graph.geometryLat[v]! + t * (this.graph.geometryLat[v + 1]! - this.graph.geometryLat[v]!),
      );
    };
    const push = (lon: number, lat: number): void => appendPoint(out, lon, lat);
    point(from);
    if (to >= from) {
      for (let v = first; v <= last; v++)
        if (this.geometryAlong[v]! > from && this.geometryAlong[v]! < to) push(this.graph.geometryLon[v]!, this.graph.geometryLat[v]!);
    } else {
      for (let v = last; v >= first; v--)
        if (this.geometryAlong[v]! < from && this.geometryAlong[v]! > to) push(this.graph.geometryLon[v]!, this.graph.geometryLat[v]!);
    }
    point(to);
  }

  private project(segment: number, px: number, py: number): { segment: number; t: number; distance: number } {
    const v = this.segmentStart[segment]!;
    const ax = this.x[v]!;
    const ay = this.y[v]!;
    const dx = this.x[v + 1]! - ax;
    const dy = this.y[v + 1]! - ay;
    const lengthSquared = dx * dx + dy * dy;
    const t = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0;
    return { segment, t, distance: Math.sqrt((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) };
  }
}

/**
 * Appends a point to a flat [lon, lat, …] list unless it repeats the last one (within 1e-9°,
 * 0.1 mm): a point exactly on a road snaps to itself, and a route should not stutter there.
 */
export function appendPoint(out: number[], lon: number, lat: number): void {
  const n = out.length;
  if (n >= 2 && Math.abs(out[n - 2]! - lon) < 1e-9 && Math.abs(out[n - 1]! - lat) < 1e-9) return;
  out.push(lon, lat);
}
