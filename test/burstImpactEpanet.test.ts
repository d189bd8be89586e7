import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../workers/formats/networkDocument.js';
import { burstImpact } from '../workers/network/burstImpact.js';
import { criticality } from '../workers/network/criticality.js';
import { prepareSupplyNetwork } from '../workers/network/prepareSupplyNetwork.js';
import { supplyNetworkFromDocument } from '../workers/network/supplyNetworkFromDocument.js';
import { runCli } from './support/runCli.js';

const epanet = join(import.meta.dirname, '../../shared/data/epanet');
const models = readdirSync(epanet).filter((f) => f.endsWith('.inp'));
const work = mkdtempSync(join(tmpdir(), 'cim-burst-epanet-'));

/**
 * Every EPANET model of the shared data, built with the CLI as test/buildPipes.test.ts does, then
 * a burst on every pipe: the answer must hold together on its own terms — the isolated pipes
 * are bounded by the valves returned and hold none, the cut-off part has no open pipe to the
 * rest, no source is cut off — and criticality must equal a burst analysis of every pipe.
 */
describe('burst impact on every EPANET model of ../shared/data/epanet', () => {
  it('finds the models', () => expect(models.length).toBeGreaterThanOrEqual(4));

  for (const model of models) {
    it(`${model}: every pipe's burst is consistent, and criticality agrees with it`, async () => {
      const out = join(work, model);
      const { code, stderr } = await runCli(['pipes', join(epanet, model), '--origin', '117.165,39.10', '--out', out, '--jobs', '1']);
      expect(code, stderr).toBe(0);
      const doc = JSON.parse(readFileSync(join(out, 'network.json'), 'utf8')) as NetworkDocument;
      const { network } = supplyNetworkFromDocument(doc);
      // One building per node, so that the counts mean "nodes that lose water".
      network.services = { node: Uint32Array.from({ length: network.graph.nodeCount }, (_, n) => n), edge: new Int32Array(network.graph.nodeCount).fill(-1) };
      const { graph } = network;
      expect(network.sourceNodes.length).toBeGreaterThan(0); // reservoirs and tanks
      const prepared = prepareSupplyNetwork(network);
      const ranked = criticality(prepared);
      const source = new Uint8Array(graph.nodeCount);
      for (const node of network.sourceNodes) source[node] = 1;
      const problems: string[] = [];
      let valvesSeen = 0;
      for (let burst = 0; burst < graph.edgeFrom.length; burst++) {
        const impact = burstImpact(prepared, burst);
        const say = (message: string): void => void (problems.length < 20 && problems.push(`burst ${burst}: ${message}`));
        // Marks, not Sets: on models without valves every burst shuts in the whole network.
        const mark = (size: number, members: ArrayLike<number>): Uint8Array => {
          const marks = new Uint8Array(size);
          for (let i = 0; i < members.length; i++) marks[members[i]!] = 1;
          return marks;
        };
        const isolatedEdge = mark(graph.edgeFrom.length, impact.isolatedEdges);
        const isolatedNode = mark(graph.nodeCount, impact.isolatedNodes);
        const cutOff = mark(graph.nodeCount, impact.cutOffNodes);
        const valveNodes = mark(
          graph.nodeCount,
          impact.valveIndex.filter((_, i) => impact.valveKind[i] === 0),
        );
        const valveLinks = mark(
          graph.edgeFrom.length,
          impact.valveIndex.filter((_, i) => impact.valveKind[i] === 1),
        );
        valvesSeen += impact.valveIndex.length;
        if (!isolatedEdge[burst]) say('the burst pipe is not isolated');
        for (const node of impact.isolatedNodes) if (graph.valveNodes[node]) say(`valve node ${node} inside`);
        for (const edge of impact.isolatedEdges) if (graph.valveEdges[edge] && edge !== burst) say(`valve link ${edge} inside`);
        // Bounded: every pipe at an isolated node is isolated or a valve link being closed; every
        // end of an isolated pipe is isolated or a valve being closed.
        const open = (edge: number): boolean => !isolatedEdge[edge] && !valveLinks[edge];
        for (const node of impact.isolatedNodes)
          for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++)
            if (open(graph.adjacencyEdges[k]!)) say(`pipe ${graph.adjacencyEdges[k]} leaves isolated node ${node} with no valve`);
        for (const edge of impact.isolatedEdges)
          for (const end of [graph.edgeFrom[edge]!, graph.edgeTo[edge]!])
            if (!isolatedNode[end] && !valveNodes[end]) say(`pipe ${edge} ends at ${end}, neither isolated nor closed`);
        impact.valveIndex.forEach((index, i) => {
          if (impact.valveKind[i] === 0 && !touches(graph, index, isolatedEdge)) say(`valve ${index} does not touch the isolated part`);
          if (impact.valveKind[i] === 1 && !isolatedNode[graph.edgeFrom[index]!] && !isolatedNode[graph.edgeTo[index]!])
            say(`valve link ${index} does not touch the isolated part`);
        });
        // Cut off: no open pipe joins it to a node that still has water, and no source is in it.
        for (const node of impact.cutOffNodes) {
          if (source[node]) say(`source ${node} cut off`);
          for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
            const edge = graph.adjacencyEdges[k]!;
            const other = graph.edgeFrom[edge] === node ? graph.edgeTo[edge]! : graph.edgeFrom[edge]!;
            if (open(edge) && !cutOff[other] && !isolatedNode[other]) say(`cut-off node ${node} joins ${other} through open pipe ${edge}`);
          }
        }
        const lost = impact.isolatedNodes.length + impact.cutOffNodes.length;
        if (impact.buildings.length !== lost) say(`${impact.buildings.length} buildings for ${lost} nodes`);
        if (!graph.valveEdges[burst]) {
          const segment = ranked.segmentOfEdge[burst]!;
          if (ranked.segmentBuildings[segment] !== impact.buildings.length || ranked.segmentEdges[segment] !== impact.isolatedEdges.length)
            say(`criticality says ${ranked.segmentBuildings[segment]} buildings, ${ranked.segmentEdges[segment]} pipes`);
        }
      }
      expect(problems).toEqual([]);
      if (doc.valves.length > 0) expect(valvesSeen).toBeGreaterThan(0);
    });
  }
});

function touches(graph: { adjacencyStart: Uint32Array; adjacencyEdges: Uint32Array }, node: number, edges: Uint8Array): boolean {
  for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) if (edges[graph.adjacencyEdges[k]!]) return true;
  return false;
}
