import { networkGraph } from '../../workers/network/NetworkGraph.js';
import type { SupplyNetwork } from '../../workers/network/SupplyNetwork.js';
import { Random } from '../../workers/random/Random.js';

/**
 * A water network laid like the seed district's, at any size: mains under a square street
 * grid of `streets` × `streets` lines, 4 pipes of 50 m per block side, a valve chamber at every
 * crossing (as the seed's 阀门井), so a burst shuts in one block side; sources at the four
 * corners; two buildings per point between crossings, a third of them tapping the main between
 * points; a critical facility in one building of 300, a sensor on one point of 40.
 */
export function syntheticSupplyNetwork(streets: number, seed = 7): SupplyNetwork {
  const perSide = 4;
  const span = (streets - 1) * perSide + 1; // points along one street line
  // Points: the street lines' points, each counted once at the crossings.
  const index = new Map<number, number>();
  const key = (i: number, j: number): number => i * span + j;
  let nodeCount = 0;
  const nodeAt = (i: number, j: number): number => {
    const k = key(i, j);
    let n = index.get(k);
    if (n === undefined) index.set(k, (n = nodeCount++));
    return n;
  };
  const from: number[] = [];
  const to: number[] = [];
  const crossing: number[] = [];
  for (let line = 0; line < streets; line++) {
    const at = line * perSide;
    for (let t = 0; t + 1 < span; t++) {
      from.push(nodeAt(at, t), nodeAt(t, at));
      to.push(nodeAt(at, t + 1), nodeAt(t + 1, at));
    }
  }
  for (let a = 0; a < streets; a++) for (let b = 0; b < streets; b++) crossing.push(nodeAt(a * perSide, b * perSide));
  const valveNodes = new Uint8Array(nodeCount);
  for (const node of crossing) valveNodes[node] = 1;
  const edges = from.length;
  const random = new Random(seed);
  const serviceNode: number[] = [];
  const serviceEdge: number[] = [];
  for (let e = 0; e < edges; e++) {
    // Buildings along each pipe, fed from its non-valve end or tapping it.
    const end = valveNodes[from[e]!] ? to[e]! : from[e]!;
    if (valveNodes[end]) continue;
    serviceNode.push(end);
    serviceEdge.push(random.chance(1 / 3) ? e : -1);
  }
  const services = serviceNode.length;
  const facilities = Math.floor(services / 300);
  const last = span - 1;
  return {
    graph: networkGraph(nodeCount, Uint32Array.from(from), Uint32Array.from(to), valveNodes, new Uint8Array(edges)),
    edgeLength: new Float64Array(edges).fill(50),
    sourceNodes: Uint32Array.from([nodeAt(0, 0), nodeAt(0, last), nodeAt(last, 0), nodeAt(last, last)]),
    services: { node: Uint32Array.from(serviceNode), edge: Int32Array.from(serviceEdge) },
    facilities: {
      service: Int32Array.from({ length: facilities }, () => random.int(0, services - 1)),
      node: new Int32Array(facilities).fill(-1),
    },
    sensors: {
      node: Int32Array.from({ length: Math.floor(nodeCount / 40) }, () => random.int(0, nodeCount - 1)),
      edge: new Int32Array(Math.floor(nodeCount / 40)).fill(-1),
    },
  };
}
