import { type BurstIsolation, isolateBurst } from '../network/isolateBurst.js';
import { networkDistances } from './networkDistances.js';
import type { RuleNetwork } from './RuleContext.js';

/** A sensor whose pressure dropped, on a network node; alarms weigh more than warnings. */
export interface DroppingSensor {
  node: number;
  weight: number;
}

export interface BurstSuspect {
  /** Graph edge index, and its network.json id. */
  edge: number;
  edgeId: string;
  isolation: BurstIsolation;
  /** Nodes of the isolated part: ends of its pipes, the valves bounding it included. */
  isolatedNodes: Set<number>;
  /** Indices into `dropping` of the sensors inside the isolated part. */
  explained: number[];
  /** Sensors still normal inside the isolated part: a burst there would have dropped them. */
  contradicting: number;
  /** Σ weight × distance along the network from the dropping sensors to the pipe. */
  weightedMetres: number;
}

/**
 * The pipe whose burst explains a set of dropping pressure sensors best: the one whose
 * isolation (workers/network/isolateBurst — the part the valves would cut off) holds the most
 * dropping sensors and the fewest normal ones; among equals, the one nearest the drops along
 * the network, weighted by how far each sensor dropped. Only pipes within `searchMetres` of a
 * dropping sensor are candidates, and only the `isolationsTried` nearest are isolated.
 */
export function suspectBurstPipe(
  network: RuleNetwork,
  dropping: readonly DroppingSensor[],
  normalNodes: ReadonlySet<number>,
  searchMetres: number,
  isolationsTried = 40,
): BurstSuspect | null {
  const { graph, edgeLength } = network;
  const distances = dropping.map((sensor) => networkDistances(graph, edgeLength, sensor.node, searchMetres));
  const candidates = new Set<number>();
  for (const reached of distances)
    for (const node of reached.keys())
      for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) candidates.add(graph.adjacencyEdges[k]!);
  const unreached = 2 * searchMetres;
  const ranked = [...candidates].map((edge) => {
    let weightedMetres = 0;
    dropping.forEach((sensor, s) => {
      const a = distances[s]!.get(graph.edgeFrom[edge]!) ?? unreached;
      const b = distances[s]!.get(graph.edgeTo[edge]!) ?? unreached;
      weightedMetres += sensor.weight * Math.min(a, b);
    });
    return { edge, weightedMetres };
  });
  ranked.sort((p, q) => p.weightedMetres - q.weightedMetres || p.edge - q.edge);
  let best: BurstSuspect | null = null;
  for (const { edge, weightedMetres } of ranked.slice(0, isolationsTried)) {
    const isolation = isolateBurst(graph, edge);
    const isolatedNodes = new Set<number>();
    for (const e of isolation.isolatedEdges) isolatedNodes.add(graph.edgeFrom[e]!).add(graph.edgeTo[e]!);
    const explained = dropping.flatMap((sensor, s) => (isolatedNodes.has(sensor.node) ? [s] : []));
    let contradicting = 0;
    for (const node of normalNodes) if (isolatedNodes.has(node)) contradicting++;
    const suspect: BurstSuspect = { edge, edgeId: network.edgeIds[edge]!, isolation, isolatedNodes, explained, contradicting, weightedMetres };
    if (!best || score(suspect) > score(best) || (score(suspect) === score(best) && weightedMetres < best.weightedMetres)) best = suspect;
  }
  return best;
}

const score = (suspect: BurstSuspect): number => suspect.explained.length - suspect.contradicting;
