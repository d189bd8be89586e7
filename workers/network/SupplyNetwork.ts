import type { NetworkGraph } from './NetworkGraph.js';

/**
 * A water-supply network as the impact kernels take it: the graph, where water enters, and who
 * draws from it, all as columnar typed arrays (row i of a table is index i of each of its
 * arrays), so it crosses to a Web Worker on a transfer list. Built from network.json by
 * supplyNetworkFromDocument; ids stay outside, in the document.
 */
export interface SupplyNetwork {
  graph: NetworkGraph;
  /** Plan length of each edge, metres: orders the valves to close by distance from the burst. */
  edgeLength: Float64Array;
  /** Nodes water enters at (reservoirs, tanks, water works): see supplySourceNodes. */
  sourceNodes: Uint32Array;
  /** One row per served building. */
  services: ServiceTable;
  /** Hospitals, schools, care homes: one row each. */
  facilities: FacilityTable;
  /** Sensor sites on the network: one row each. */
  sensors: SensorTable;
}

export interface ServiceTable {
  /** The node the building is fed from (its connection point on the main). */
  node: Uint32Array;
  /**
   * The main the connection taps between its ends, or -1 when it is at the node: a tap between
   * two valves loses water when that main is isolated, even though both end nodes keep theirs.
   */
  edge: Int32Array;
}

export interface FacilityTable {
  /** Service row of the building the facility is in, or -1 when it is matched to a node only. */
  service: Int32Array;
  /** The node it is matched to when it has no served building, else -1. */
  node: Int32Array;
}

export interface SensorTable {
  /** The node the sensor sits on, or -1. */
  node: Int32Array;
  /** The edge it sits on, or -1 (a sensor on a node has -1 here). */
  edge: Int32Array;
}

/** Empty tables, for a network without services, facilities or sensors. */
export function emptySupplyTables(): Pick<SupplyNetwork, 'services' | 'facilities' | 'sensors'> {
  return {
    services: { node: new Uint32Array(0), edge: new Int32Array(0) },
    facilities: { service: new Int32Array(0), node: new Int32Array(0) },
    sensors: { node: new Int32Array(0), edge: new Int32Array(0) },
  };
}
