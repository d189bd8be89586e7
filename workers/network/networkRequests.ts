import { type BurstImpact, burstImpact } from './burstImpact.js';
import { type Criticality, criticality } from './criticality.js';
import { type PreparedSupplyNetwork, prepareSupplyNetwork } from './prepareSupplyNetwork.js';
import type { SupplyNetwork } from './SupplyNetwork.js';

/** `analysis.loadNetwork`'s answer: the handle later requests name, and what was loaded. */
export interface SupplyNetworkLoaded {
  handle: number;
  nodes: number;
  edges: number;
  sources: number;
  services: number;
  facilities: number;
  sensors: number;
  /** Time to check and index it in the worker. */
  milliseconds: number;
}

/** `analysis.burstImpact`: a burst on one edge (a graph edge index) of a loaded network. */
export interface BurstImpactRequest {
  handle: number;
  burstEdge: number;
}

/** `analysis.criticality` and `analysis.releaseNetwork`: a loaded network. */
export interface NetworkHandleRequest {
  handle: number;
}

/**
 * The handlers of the burst-impact requests. A network is loaded once (its typed arrays move
 * into the worker), checked and indexed (prepareSupplyNetwork), and kept under a handle, so a
 * burst costs the kernel alone; criticality is computed once per network and copied out (the
 * answer's buffers are transferred, which would empty the kept copy).
 */
export function networkRequestHandlers(): {
  'analysis.loadNetwork': (network: SupplyNetwork) => SupplyNetworkLoaded;
  'analysis.burstImpact': (request: BurstImpactRequest) => BurstImpact;
  'analysis.criticality': (request: NetworkHandleRequest) => Criticality;
  'analysis.releaseNetwork': (request: NetworkHandleRequest) => boolean;
} {
  const loaded = new Map<number, { prepared: PreparedSupplyNetwork; criticality?: Criticality }>();
  let nextHandle = 1;
  const get = (type: string, handle: number): { prepared: PreparedSupplyNetwork; criticality?: Criticality } => {
    const entry = loaded.get(handle);
    if (!entry) throw new Error(`${type}: no network loaded under handle ${handle} (send analysis.loadNetwork first)`);
    return entry;
  };
  return {
    'analysis.loadNetwork': (network) => {
      const started = performance.now();
      const prepared = prepareSupplyNetwork(network);
      const handle = nextHandle++;
      loaded.set(handle, { prepared });
      return {
        handle,
        nodes: network.graph.nodeCount,
        edges: network.graph.edgeFrom.length,
        sources: network.sourceNodes.length,
        services: network.services.node.length,
        facilities: network.facilities.service.length,
        sensors: network.sensors.node.length,
        milliseconds: performance.now() - started,
      };
    },
    'analysis.burstImpact': ({ handle, burstEdge }) => burstImpact(get('analysis.burstImpact', handle).prepared, burstEdge),
    'analysis.criticality': ({ handle }) => {
      const entry = get('analysis.criticality', handle);
      const result = (entry.criticality ??= criticality(entry.prepared));
      return {
        ...result,
        segmentOfEdge: result.segmentOfEdge.slice(),
        segmentBuildings: result.segmentBuildings.slice(),
        segmentFacilities: result.segmentFacilities.slice(),
        segmentEdges: result.segmentEdges.slice(),
        rankedEdges: result.rankedEdges.slice(),
      };
    },
    'analysis.releaseNetwork': ({ handle }) => loaded.delete(handle),
  };
}
