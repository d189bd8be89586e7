import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPaths, prepareDemo } from '../server/prepareDemo.js';
import { isolateBurst } from '../workers/network/isolateBurst.js';
import { type NetworkDocument, networkGraphFromDocument } from '../workers/network/networkGraphFromDocument.js';

const root = join(import.meta.dirname, '..');
let doc: NetworkDocument;

beforeAll(async () => {
  await prepareDemo(demoPaths(root), () => undefined);
  doc = JSON.parse(readFileSync(join(root, 'data/tiles/pipes/network.json'), 'utf8')) as NetworkDocument;
});

describe('network.json supports analyses without a server (seed water network)', () => {
  it('a burst water main is isolated by a few valves, and the cut-off part is small', () => {
    const { graph, edgeIds } = networkGraphFromDocument(doc, 'JS');
    expect(edgeIds.length).toBeGreaterThan(1000);
    // A main in the middle of the list: an ordinary street segment.
    const burst = Math.floor(edgeIds.length / 2);
    const result = isolateBurst(graph, burst);
    expect(result.unbounded).toBe(false);
    expect(result.valveNodes.length).toBeGreaterThanOrEqual(1);
    expect(result.valveNodes.length).toBeLessThanOrEqual(12);
    expect(result.isolatedEdges.length).toBeLessThan(edgeIds.length / 50);
    for (const node of result.valveNodes) expect(doc.valves.some((v) => v.node === node)).toBe(true);
  });

  it('every valve bounding the cut sits on the isolated part', () => {
    const { graph } = networkGraphFromDocument(doc, 'JS');
    const result = isolateBurst(graph, 10);
    const touched = new Set<number>();
    for (const e of result.isolatedEdges) touched.add(graph.edgeFrom[e]!).add(graph.edgeTo[e]!);
    for (const node of result.valveNodes) expect(touched.has(node)).toBe(true);
  });
});
