import { booleanIntersects, booleanPointInPolygon, distance, lineString, point, pointToLineDistance, polygon } from '@turf/turf';
import type { LonLat } from '../../workers/formats/incident.js';
import type { RoadGraph } from '../../workers/routing/RoadGraph.js';
import type { AreaSources } from '../../workers/spatial/AreaSources.js';
import type { LocalPlane } from '../../workers/spatial/LocalPlane.js';
import { pointInRing, pointSegmentDistance, segmentMeetsRing } from '../../workers/spatial/planeTests.js';

/**
 * Floors for bench:routing, run in the same process as what they bound.
 * Routing: a plain breadth-first walk of every node the search could reach, the least work
 * any whole-graph search does (no weights, no heap, no routes).
 */
export function breadthFirstNodes(graph: RoadGraph, start: number, seen: Uint8Array, queue: Uint32Array): number {
  seen.fill(0);
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  seen[start] = 1;
  while (head < tail) {
    const node = queue[head++]!;
    for (let k = graph.inStart[node]!; k < graph.inStart[node + 1]!; k++) {
      const arc = graph.inArcs[k]!;
      const next = arc & 1 ? graph.edgeTo[arc >>> 1]! : graph.edgeFrom[arc >>> 1]!;
      if (!seen[next]) {
        seen[next] = 1;
        queue[tail++] = next;
      }
    }
  }
  return tail;
}

/**
 * Area: the same exact tests on every item, no index, with the same output (each layer's
 * indices and ids); returns how many were found.
 */
export function linearScan(sources: AreaSources, plane: LocalPlane, area: { circle?: { x: number; y: number; radius: number }; ring?: Float64Array }): number {
  const pointIn = (lon: number, lat: number): boolean => {
    const x = plane.x(lon);
    const y = plane.y(lat);
    return area.circle ? Math.sqrt((x - area.circle.x) ** 2 + (y - area.circle.y) ** 2) <= area.circle.radius : pointInRing(area.ring!, x, y);
  };
  let found = 0;
  for (const layer of [sources.buildings, sources.pois, sources.sensors]) {
    const hits: number[] = [];
    for (let i = 0; i < layer.lon.length; i++) if (pointIn(layer.lon[i]!, layer.lat[i]!)) hits.push(i);
    const ids: unknown[] = layer.ids;
    found += Array.from(Uint32Array.from(hits), (i) => ids[i]).length;
  }
  const { pipes } = sources;
  const hits: number[] = [];
  for (let i = 0; i < pipes.ids.length; i++) {
    const ax = plane.x(pipes.fromLon[i]!);
    const ay = plane.y(pipes.fromLat[i]!);
    const bx = plane.x(pipes.toLon[i]!);
    const by = plane.y(pipes.toLat[i]!);
    if (area.circle ? pointSegmentDistance(area.circle.x, area.circle.y, ax, ay, bx, by) <= area.circle.radius : segmentMeetsRing(area.ring!, ax, ay, bx, by))
      hits.push(i);
  }
  return found + Array.from(Uint32Array.from(hits), (i) => pipes.ids[i]).length;
}

/** Area: turf on every item, GeoJSON in (what a first version would write). */
export function turfScanCounts(sources: AreaSources, area: { circle?: { centre: LonLat; radiusMetres: number }; ring?: LonLat[] }): number {
  let found = 0;
  const shape = area.ring ? polygon([[...area.ring, area.ring[0]!]]) : null;
  const centre = area.circle ? point(area.circle.centre) : null;
  const pointIn = (lon: number, lat: number): boolean =>
    shape ? booleanPointInPolygon(point([lon, lat]), shape) : distance(centre!, point([lon, lat]), { units: 'meters' }) <= area.circle!.radiusMetres;
  for (const layer of [sources.buildings, sources.pois, sources.sensors])
    for (let i = 0; i < layer.lon.length; i++) if (pointIn(layer.lon[i]!, layer.lat[i]!)) found++;
  const { pipes } = sources;
  for (let i = 0; i < pipes.ids.length; i++) {
    const line = lineString([
      [pipes.fromLon[i]!, pipes.fromLat[i]!],
      [pipes.toLon[i]!, pipes.toLat[i]!],
    ]);
    if (shape ? booleanIntersects(line, shape) : pointToLineDistance(centre!, line, { units: 'meters' }) <= area.circle!.radiusMetres) found++;
  }
  return found;
}
