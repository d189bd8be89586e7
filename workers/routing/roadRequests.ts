import type { LonLat, ResourceKind } from '../formats/incident.js';
import type { RoadGraphDocument } from '../formats/roadGraph.js';
import { rankResources, snapResources, type RankedResources, type SnappedResources } from './rankResources.js';
import { roadGraphFromDocument } from './roadGraphDocument.js';
import { RoadRouter } from './RoadRouter.js';
import type { RoadSpeeds } from './roadSpeeds.js';
import type { ResourcePoints } from './resourcePoints.js';

/** `analysis.loadRoads`: the road graph and the resources, kept by the worker for later rankings. */
export interface LoadRoadsRequest {
  /** The road-graph file (workers/formats/roadGraph.ts): its bytes as fetched (moved, not copied), or the parsed document. */
  graph: ArrayBuffer | RoadGraphDocument;
  /** Where units start from (resourcePointsFromPoiGeoJson). */
  resources: ResourcePoints;
  /** Travel speeds (DEFAULT_ROAD_SPEEDS when absent). */
  speeds?: RoadSpeeds;
}

export interface RoadsLoaded {
  nodes: number;
  edges: number;
  /** Nodes per strongly connected component, largest first; points snap to the largest. */
  componentSizes: Uint32Array;
  resources: number;
  /** Each resource's straight-line metres to its road (same order as the resources sent). */
  resourceOffRoadMetres: Float64Array;
  milliseconds: number;
}

/** `analysis.rankResources`. */
export interface RankResourcesRequest {
  incident: LonLat;
  k: number;
  kinds?: ResourceKind[];
  perKind?: boolean;
}

/** The handlers of the routing requests, sharing the graph and resources they load. */
export function roadRequestHandlers(): {
  'analysis.loadRoads': (request: LoadRoadsRequest) => RoadsLoaded;
  'analysis.rankResources': (request: RankResourcesRequest) => RankedResources;
} {
  let loaded: { router: RoadRouter; resources: SnappedResources } | null = null;
  return {
    'analysis.loadRoads': ({ graph, resources, speeds }) => {
      const started = performance.now();
      const router = new RoadRouter(roadGraphFromDocument(graph, speeds), speeds);
      const snapped = snapResources(router, resources);
      loaded = { router, resources: snapped };
      return {
        nodes: router.graph.nodeCount,
        edges: router.graph.edgeFrom.length,
        componentSizes: router.components.sizes.slice(),
        resources: resources.ids.length,
        resourceOffRoadMetres: Float64Array.from(snapped.snapped, (s) => s.offRoadMetres),
        milliseconds: performance.now() - started,
      };
    },
    'analysis.rankResources': ({ incident, k, kinds, perKind }) => {
      if (!loaded) throw new Error('analysis.rankResources: no road graph loaded (send analysis.loadRoads first)');
      return rankResources(loaded.router, incident, loaded.resources, k, { ...(kinds ? { kinds } : {}), ...(perKind !== undefined ? { perKind } : {}) });
    },
  };
}
