import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRoadGraph } from '../../workers/routing/buildRoadGraph.js';
import { roadGraphDocument } from '../../workers/routing/roadGraphDocument.js';
import { roadLinesFromGeoJson } from '../../workers/routing/RoadLines.js';

/** The snap distance of the seed road graph: the seed streets meet exactly, so this only joins ends drawn a little short. */
export const SEED_ROAD_SNAP_METRES = 2;

/**
 * Writes nankai-road-graph.json (workers/formats/roadGraph.ts) from nankai-roads.geojson in the
 * same folder: built once here rather than in the viewer's worker, where noding the streets
 * took 140–280 ms on a first (cold) run against ~15 ms to parse the built graph.
 */
export function writeRoadGraph(dir: string): { nodes: number; edges: number; crossings: number } {
  const { lines } = roadLinesFromGeoJson(JSON.parse(readFileSync(join(dir, 'nankai-roads.geojson'), 'utf8')));
  const { parts, stats } = buildRoadGraph(lines, { snapMetres: SEED_ROAD_SNAP_METRES });
  writeFileSync(join(dir, 'nankai-road-graph.json'), `${JSON.stringify(roadGraphDocument(parts, SEED_ROAD_SNAP_METRES))}\n`);
  return { nodes: parts.nodeLon.length, edges: parts.edgeFrom.length, crossings: stats.crossings };
}
