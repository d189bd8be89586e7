import { Random } from '../random/Random.js';
import { networkGraph } from './NetworkGraph.js';
import type { SupplyNetwork } from './SupplyNetwork.js';

/**
 *   S0 —e0— V1 —e1— 2 —e2— V3 —e3— 4 —e4— V5 —e5— 6 —e8— 11
 *    \              |                                      ‖ e9 (valve link)
 *     \             e6                                     12
 *      \            |                                      |
 *       \           7 —e7— V8 —e11— 9 —e12— 10             |
 *        `—————————————————— e10 ——————————————————————————'
 *
 * Every pipe 100 m. Buildings: A at 2, B at 9, C at 4, D tapping e1 (fed from valve node 1),
 * E at valve node 1, F at 10. Hospital in B, school in C, care home at node 7. Sensors at node
 * 2, on e12, at node 4, on e6.
 */
export function handMadeSupplyNetwork(sources = [0]): SupplyNetwork {
  const from = [0, 1, 2, 3, 4, 5, 2, 7, 6, 11, 12, 8, 9];
  const to = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 0, 9, 10];
  const valveNodes = new Uint8Array(13);
  for (const v of [1, 3, 5, 8]) valveNodes[v] = 1;
  const valveEdges = new Uint8Array(13);
  valveEdges[9] = 1;
  return {
    graph: networkGraph(13, Uint32Array.from(from), Uint32Array.from(to), valveNodes, valveEdges),
    edgeLength: new Float64Array(13).fill(100),
    sourceNodes: Uint32Array.from(sources),
    services: { node: Uint32Array.from([2, 9, 4, 1, 1, 10]), edge: Int32Array.from([-1, -1, -1, 1, -1, -1]) },
    facilities: { service: Int32Array.from([1, 2, -1]), node: Int32Array.from([-1, -1, 7]) },
    sensors: { node: Int32Array.from([2, -1, 4, -1]), edge: Int32Array.from([-1, 12, -1, 6]) },
  };
}

/** A connected-ish random network: a random tree plus extra links, valves on nodes and links, a few sources, services, facilities. */
export function randomSupplyNetwork(random: Random, nodes: number): SupplyNetwork {
  const from: number[] = [];
  const to: number[] = [];
  for (let n = 1; n < nodes; n++) {
    if (random.chance(0.05)) continue; // now and then a separate part
    from.push(random.int(0, n - 1));
    to.push(n);
  }
  for (let k = 0; k < nodes / 3; k++) {
    from.push(random.int(0, nodes - 1));
    to.push(random.int(0, nodes - 1)); // loops included
  }
  const edges = from.length;
  const valveNodes = Uint8Array.from({ length: nodes }, () => (random.chance(0.3) ? 1 : 0));
  const valveEdges = Uint8Array.from({ length: edges }, () => (random.chance(0.08) ? 1 : 0));
  const serviceCount = random.int(0, nodes * 2);
  const serviceNode = Uint32Array.from({ length: serviceCount }, () => random.int(0, nodes - 1));
  const serviceEdge = Int32Array.from({ length: serviceCount }, (_, i) => {
    if (!random.chance(0.3)) return -1;
    const edge = random.int(0, edges - 1);
    serviceNode[i] = random.chance(0.5) ? from[edge]! : to[edge]!;
    return edge;
  });
  const facilityCount = random.int(0, 8);
  return {
    graph: networkGraph(nodes, Uint32Array.from(from), Uint32Array.from(to), valveNodes, valveEdges),
    edgeLength: Float64Array.from({ length: edges }, () => random.range(1, 200)),
    sourceNodes: Uint32Array.from({ length: random.int(0, 3) }, () => random.int(0, nodes - 1)),
    services: { node: serviceNode, edge: serviceEdge },
    facilities: {
      service: Int32Array.from({ length: facilityCount }, () => (serviceCount > 0 && random.chance(0.7) ? random.int(0, serviceCount - 1) : -1)),
      node: Int32Array.from({ length: facilityCount }, () => random.int(0, nodes - 1)),
    },
    sensors: { node: new Int32Array(0), edge: new Int32Array(0) },
  };
}
