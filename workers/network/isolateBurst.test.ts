import { describe, expect, it } from 'vitest';
import { networkGraph } from './NetworkGraph.js';
import { isolateBurst } from './isolateBurst.js';

/**
 *   0 —e0— 1(V) —e1— 2 —e2— 3(V) —e3— 4
 *                    |
 *                    e4
 *                    |
 *                    5 —e5(valve link)— 6 —e6— 7
 */
const graph = networkGraph(
  8,
  Uint32Array.from([0, 1, 2, 3, 2, 5, 6]),
  Uint32Array.from([1, 2, 3, 4, 5, 6, 7]),
  Uint8Array.from([0, 1, 0, 1, 0, 0, 0, 0]),
  Uint8Array.from([0, 0, 0, 0, 0, 1, 0]),
);

describe('isolateBurst', () => {
  it('closes the valves around the burst and no more', () => {
    const result = isolateBurst(graph, 2);
    expect(Array.from(result.valveNodes)).toEqual([1, 3]);
    expect(Array.from(result.valveEdges)).toEqual([5]);
    expect(Array.from(result.isolatedEdges)).toEqual([1, 2, 4]);
    expect(result.unbounded).toBe(false);
  });

  it('beyond a closed valve link the network keeps its supply', () => {
    const result = isolateBurst(graph, 6);
    expect(Array.from(result.valveEdges)).toEqual([5]);
    expect(Array.from(result.isolatedEdges)).toEqual([6]);
  });

  it('says when no valve bounds the burst', () => {
    const open = networkGraph(3, Uint32Array.from([0, 1]), Uint32Array.from([1, 2]), new Uint8Array(3), new Uint8Array(2));
    expect(isolateBurst(open, 0).unbounded).toBe(true);
  });
});
