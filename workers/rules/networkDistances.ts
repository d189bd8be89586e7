import type { NetworkGraph } from '../network/NetworkGraph.js';

/**
 * Distances along the pipes from one node to every node within `maxMetres` (Dijkstra with a
 * binary heap, stopping at the bound): what "close along the network" means to the rules —
 * two sensors across a block from each other may be far apart on the pipes.
 */
export function networkDistances(graph: NetworkGraph, edgeLength: Float64Array, from: number, maxMetres: number): Map<number, number> {
  const settled = new Map<number, number>();
  const best = new Map<number, number>([[from, 0]]);
  const heap: [metres: number, node: number][] = [[0, from]];
  while (heap.length > 0) {
    const [metres, node] = popMinimum(heap);
    if (settled.has(node) || metres > (best.get(node) ?? Infinity)) continue;
    settled.set(node, metres);
    for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
      const edge = graph.adjacencyEdges[k]!;
      const next = graph.edgeFrom[edge] === node ? graph.edgeTo[edge]! : graph.edgeFrom[edge]!;
      const through = metres + edgeLength[edge]!;
      if (through > maxMetres || settled.has(next) || through >= (best.get(next) ?? Infinity)) continue;
      best.set(next, through);
      pushEntry(heap, [through, next]);
    }
  }
  return settled;
}

function pushEntry(heap: [number, number][], entry: [number, number]): void {
  heap.push(entry);
  for (let i = heap.length - 1; i > 0;) {
    const parent = (i - 1) >> 1;
    if (heap[parent]![0] <= heap[i]![0]) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function popMinimum(heap: [number, number][]): [number, number] {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]![0] < heap[smallest]![0]) smallest = left;
      if (right < heap.length && heap[right]![0] < heap[smallest]![0]) smallest = right;
      if (smallest === i) break;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
  return top;
}
