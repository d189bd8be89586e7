import { describe, expect, it } from 'vitest';
import { Random } from '../random/Random.js';
import { burstImpact, LOST_CUT_OFF, LOST_ISOLATED, VALVE_LINK, VALVE_ON_NODE } from './burstImpact.js';
import { criticality } from './criticality.js';
import { prepareSupplyNetwork } from './prepareSupplyNetwork.js';
import { handMadeSupplyNetwork as handMade, randomSupplyNetwork } from './supplyNetworkFixtures.js';

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
