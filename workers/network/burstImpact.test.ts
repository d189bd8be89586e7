import { describe, expect, it } from 'vitest';
import { Random } from '../random/Random.js';
import { burstImpact, LOST_CUT_OFF, LOST_ISOLATED, VALVE_LINK, VALVE_ON_NODE } from './burstImpact.js';
import { criticality } from './criticality.js';
import { networkGraph } from './NetworkGraph.js';
import { prepareSupplyNetwork } from './prepareSupplyNetwork.js';
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
function handMade(sources = [0]): SupplyNetwork {
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

describe('burstImpact on a hand-made network', () => {
  const prepared = prepareSupplyNetwork(handMade());

  it('closes the feeding valves first, nearest first, then the one that only drains back', () => {
    const impact = burstImpact(prepared, 2);
    expect(Array.from(impact.valveIndex)).toEqual([3, 1, 8]);
    expect(Array.from(impact.valveKind)).toEqual([VALVE_ON_NODE, VALVE_ON_NODE, VALVE_ON_NODE]);
    expect(Array.from(impact.valveDistance)).toEqual([50, 150, 250]);
    expect(Array.from(impact.valveFeeds)).toEqual([1, 1, 0]);
    expect(impact.unbounded).toBe(false);
  });

  it('finds the isolated part, and the dead end beyond it cut off from the source though no valve shuts it in', () => {
    const impact = burstImpact(prepared, 2);
    expect(Array.from(impact.isolatedEdges)).toEqual([1, 2, 6, 7]);
    expect(Array.from(impact.isolatedNodes)).toEqual([2, 7]);
    expect(Array.from(impact.cutOffNodes)).toEqual([8, 9, 10]);
    expect(Array.from(impact.cutOffEdges)).toEqual([11, 12]);
  });

  it('names the buildings that lose water, the tap on an isolated main included, and the facilities and sensors among them', () => {
    const impact = burstImpact(prepared, 2);
    // A (node 2), B (node 9, cut off), D (taps e1 though fed from the valve node that keeps water), F (node 10).
    expect(Array.from(impact.buildings)).toEqual([0, 1, 3, 5]);
    expect(Array.from(impact.buildingCause)).toEqual([LOST_ISOLATED, LOST_CUT_OFF, LOST_ISOLATED, LOST_CUT_OFF]);
    // The hospital in B and the care home at node 7; the school in C keeps water.
    expect(Array.from(impact.facilities)).toEqual([0, 2]);
    expect(Array.from(impact.sensors)).toEqual([0, 1, 3]);
    expect(Array.from(impact.sensorCause)).toEqual([LOST_ISOLATED, LOST_CUT_OFF, LOST_ISOLATED]);
  });

  it('a valve link bounds a burst like a valve on a node, and is ordered by its inner end', () => {
    const impact = burstImpact(prepared, 8);
    expect(Array.from(impact.isolatedEdges)).toEqual([5, 8]);
    expect(Array.from(impact.isolatedNodes)).toEqual([6, 11]);
    expect(Array.from(impact.valveKind)).toEqual([VALVE_LINK, VALVE_ON_NODE]);
    expect(Array.from(impact.valveIndex)).toEqual([9, 5]);
    expect(Array.from(impact.valveDistance)).toEqual([50, 150]);
    expect(Array.from(impact.cutOffNodes)).toEqual([]);
    expect(Array.from(impact.buildings)).toEqual([]);
  });

  it('a source inside the isolated part leaves everything it alone fed cut off', () => {
    const impact = burstImpact(prepared, 10); // e10 carries the source's only pipe besides e0
    expect(Array.from(impact.isolatedEdges)).toEqual([0, 10]);
    expect(Array.from(impact.isolatedNodes)).toEqual([0, 12]);
    // Everything else lost its only source.
    expect(impact.cutOffNodes.length).toBe(11);
    expect(impact.buildings.length).toBe(6);
  });

  it('without sources only the isolated part loses water, and the valves are ordered by distance alone', () => {
    const impact = burstImpact(prepareSupplyNetwork(handMade([])), 2);
    expect(impact.sourceCount).toBe(0);
    expect(Array.from(impact.cutOffNodes)).toEqual([]);
    expect(Array.from(impact.buildings)).toEqual([0, 3]);
    expect(Array.from(impact.valveIndex)).toEqual([3, 1, 8]);
  });

  it('refuses a burst edge or a table that does not fit the graph', () => {
    expect(() => burstImpact(prepared, 13)).toThrow('burst edge 13');
    const network = handMade();
    network.services.node[0] = 99;
    expect(() => prepareSupplyNetwork(network)).toThrow('services.node[0] = 99');
  });
});

describe('criticality', () => {
  it('ranks the pipes of the hand-made network by what their burst cuts off', () => {
    const result = criticality(prepareSupplyNetwork(handMade()));
    const ofEdge = (e: number): [number, number] => {
      const s = result.segmentOfEdge[e]!;
      return [result.segmentBuildings[s]!, result.segmentFacilities[s]!];
    };
    expect(ofEdge(2)).toEqual([4, 2]);
    expect(ofEdge(10)).toEqual([6, 3]);
    expect(result.segmentOfEdge[9]).toBe(-1);
    // The source's pipes first (everything), then the burst above (a hospital and a care home).
    expect(result.rankedEdges.slice(0, 2)).toEqual(Uint32Array.from([0, 10]));
    expect(Array.from(result.rankedEdges)).not.toContain(9);
  });

  it('equals a burst analysis of every pipe on random networks', () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (let trial = 0; trial < 60; trial++) {
      const network = randomSupplyNetwork(new Random(1000 + trial), 20 + trial * 4);
      const prepared = prepareSupplyNetwork(network);
      const result = criticality(prepared);
      for (let edge = 0; edge < network.graph.edgeFrom.length; edge++) {
        const segment = result.segmentOfEdge[edge]!;
        if (network.graph.valveEdges[edge]) {
          if (segment !== -1) mismatches.push(`trial ${trial} valve link ${edge} is in segment ${segment}`);
          continue;
        }
        const impact = burstImpact(prepared, edge);
        const expected = `${impact.buildings.length} buildings, ${impact.facilities.length} facilities, ${impact.isolatedEdges.length} edges`;
        const found = `${result.segmentBuildings[segment]} buildings, ${result.segmentFacilities[segment]} facilities, ${result.segmentEdges[segment]} edges`;
        if (found !== expected) mismatches.push(`trial ${trial} edge ${edge}: ${found}, burstImpact says ${expected}`);
        compared++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(5000);
  });
});

/** A connected-ish random network: a random tree plus extra links, valves on nodes and links, a few sources, services, facilities. */
function randomSupplyNetwork(random: Random, nodes: number): SupplyNetwork {
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
