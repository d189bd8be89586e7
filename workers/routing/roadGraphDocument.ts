import { ROAD_GRAPH_FORMAT, ROAD_GRAPH_VERSION, type RoadGraphDocument } from '../formats/roadGraph.js';
import { roadGraph, type RoadGraph, type RoadGraphParts } from './RoadGraph.js';
import { DEFAULT_ROAD_SPEEDS, type RoadSpeeds } from './roadSpeeds.js';

export type { RoadGraphDocument };

const round = (value: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/** The file form of a built graph (the writer's side). */
export function roadGraphDocument(parts: RoadGraphParts, snapMetres: number): RoadGraphDocument {
  const lon = Array.from(parts.geometryLon, (v) => round(v, 7));
  const lat = Array.from(parts.geometryLat, (v) => round(v, 7));
  return {
    format: ROAD_GRAPH_FORMAT,
    version: ROAD_GRAPH_VERSION,
    crs: 'EPSG:4326',
    snapMetres,
    classes: [...parts.classes],
    names: [...parts.names],
    nodes: { lon: Array.from(parts.nodeLon, (v) => round(v, 7)), lat: Array.from(parts.nodeLat, (v) => round(v, 7)) },
    edges: {
      from: Array.from(parts.edgeFrom),
      to: Array.from(parts.edgeTo),
      metres: Array.from(parts.edgeMetres, (v) => round(v, 2)),
      class: Array.from(parts.edgeClass),
      directions: Array.from(parts.edgeDirections),
      name: Array.from(parts.edgeName),
      geometry: { start: Array.from(parts.geometryStart), lon, lat },
    },
  };
}

/**
 * The routable graph from a road-graph document (the reader's side), timed with `speeds`.
 * Takes the document, its JSON text or its bytes (what `fetch(...).arrayBuffer()` gives).
 */
export function roadGraphFromDocument(input: RoadGraphDocument | string | ArrayBuffer | Uint8Array, speeds: RoadSpeeds = DEFAULT_ROAD_SPEEDS): RoadGraph {
  const doc = (
    typeof input === 'string'
      ? JSON.parse(input)
      : input instanceof ArrayBuffer || input instanceof Uint8Array
        ? JSON.parse(new TextDecoder().decode(input))
        : input
  ) as Partial<RoadGraphDocument> | null;
  if (doc?.format !== ROAD_GRAPH_FORMAT || doc.version !== ROAD_GRAPH_VERSION)
    throw new Error(`not a ${ROAD_GRAPH_FORMAT} v${ROAD_GRAPH_VERSION} document (format ${String(doc?.format)}, version ${String(doc?.version)})`);
  const { nodes, edges, classes, names } = doc;
  if (!nodes || !edges?.geometry || !Array.isArray(classes) || !Array.isArray(names))
    throw new Error(`${ROAD_GRAPH_FORMAT}: nodes, edges, classes or names missing`);
  const directions = Uint8Array.from(edges.directions);
  if (directions.some((d) => d < 1 || d > 3)) throw new RangeError(`${ROAD_GRAPH_FORMAT}: an edge direction is not 1, 2 or 3`);
  return roadGraph(
    {
      nodeLon: Float64Array.from(nodes.lon),
      nodeLat: Float64Array.from(nodes.lat),
      edgeFrom: Uint32Array.from(edges.from),
      edgeTo: Uint32Array.from(edges.to),
      edgeMetres: Float64Array.from(edges.metres),
      edgeClass: Uint8Array.from(edges.class),
      classes,
      edgeDirections: directions,
      edgeName: Uint32Array.from(edges.name),
      names,
      geometryStart: Uint32Array.from(edges.geometry.start),
      geometryLon: Float64Array.from(edges.geometry.lon),
      geometryLat: Float64Array.from(edges.geometry.lat),
    },
    speeds,
  );
}
