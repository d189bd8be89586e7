/**
 * The road graph file (`nankai-road-graph.json` beside the seed roads, served at
 * `/data/nankai-road-graph.json`): the seed streets noded at their crossings, columnar (one
 * array per field, same order) so it parses fast in the analysis worker. Written by the seeds
 * (seeds/generator/writeRoadGraph.ts through workers/routing/roadGraphDocument.ts), read by
 * the worker's `analysis.loadRoads`. Travel speeds are not in the file: they are applied when
 * it is read (workers/routing/roadSpeeds.ts), so a deployment changes them without a rebuild.
 */
export const ROAD_GRAPH_FORMAT = 'cim-twin-road-graph';
export const ROAD_GRAPH_VERSION = 1;

export interface RoadGraphDocument {
  format: typeof ROAD_GRAPH_FORMAT;
  version: typeof ROAD_GRAPH_VERSION;
  crs: 'EPSG:4326';
  /** Points closer than this (metres) were made one node when the graph was built. */
  snapMetres: number;
  /** Road classes (the roads' `class`: arterial, secondary, local) and road names, indexed by the edges. */
  classes: string[];
  names: string[];
  /** Intersections and road ends. Degrees, 7 decimals. */
  nodes: { lon: number[]; lat: number[] };
  edges: {
    /** Node indices. */
    from: number[];
    to: number[];
    /** Metres along the polyline, 2 decimals. */
    metres: number[];
    /** Index into `classes`. */
    class: number[];
    /** 3 both ways, 1 only from→to (one-way), 2 only to→from. */
    directions: number[];
    /** Index into `names`. */
    name: number[];
    /** Polyline of edge e: vertices start[e] .. start[e + 1] of lon/lat (degrees, 7 decimals), from node to node. */
    geometry: { start: number[]; lon: number[]; lat: number[] };
  };
}
