import { reachableFromSources } from './reachableFromSources.js';
import { type RowIndex, rowIndex } from './RowIndex.js';
import type { SupplyNetwork } from './SupplyNetwork.js';

/**
 * A supply network with what every burst needs computed once: which nodes the sources reach
 * with every valve open, and the services, facilities and sensors indexed by node and edge.
 * What the analysis worker keeps loaded between requests.
 */
export interface PreparedSupplyNetwork {
  network: SupplyNetwork;
  /** 1 where a source reaches the node with every valve open. */
  supplied: Uint8Array;
  /** Service rows by the node they are fed from (taps at the node and between nodes alike). */
  servicesByNode: RowIndex;
  /** Service rows tapping an edge between its ends, by edge. */
  servicesByEdge: RowIndex;
  facilitiesByService: RowIndex;
  /** Facilities matched to a node only (no served building), by node. */
  facilitiesByNode: RowIndex;
  sensorsByNode: RowIndex;
  sensorsByEdge: RowIndex;
}

/** Checks the tables against the graph (a worker's payload comes from elsewhere) and indexes them. */
export function prepareSupplyNetwork(network: SupplyNetwork): PreparedSupplyNetwork {
  const { graph, services, facilities, sensors } = network;
  const nodes = graph.nodeCount;
  const edges = graph.edgeFrom.length;
  const check = (what: string, values: ArrayLike<number>, limit: number, allowNone: boolean, length?: number): void => {
    if (length !== undefined && values.length !== length) throw new RangeError(`${what}: ${values.length} rows, expected ${length}`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v >= limit || v < (allowNone ? -1 : 0))
        throw new RangeError(`${what}[${i}] = ${v} is not ${allowNone ? '-1 or ' : ''}an index below ${limit}`);
    }
  };
  check('graph.edgeTo', graph.edgeTo, nodes, false, edges);
  check('graph.edgeFrom', graph.edgeFrom, nodes, false);
  if (network.edgeLength.length !== edges) throw new RangeError(`edgeLength: ${network.edgeLength.length} values for ${edges} edges`);
  check('sourceNodes', network.sourceNodes, nodes, false);
  check('services.node', services.node, nodes, false);
  check('services.edge', services.edge, edges, true, services.node.length);
  check('facilities.service', facilities.service, services.node.length, true);
  check('facilities.node', facilities.node, nodes, true, facilities.service.length);
  check('sensors.node', sensors.node, nodes, true);
  check('sensors.edge', sensors.edge, edges, true, sensors.node.length);
  return {
    network,
    supplied: reachableFromSources(graph, network.sourceNodes),
    servicesByNode: rowIndex(services.node, nodes),
    servicesByEdge: rowIndex(services.edge, edges),
    facilitiesByService: rowIndex(facilities.service, services.node.length),
    facilitiesByNode: rowIndex(
      Int32Array.from(facilities.node, (node, i) => (facilities.service[i]! >= 0 ? -1 : node)),
      nodes,
    ),
    sensorsByNode: rowIndex(sensors.node, nodes),
    sensorsByEdge: rowIndex(sensors.edge, edges),
  };
}
