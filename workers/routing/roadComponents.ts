import { arcHead, type RoadGraph } from './RoadGraph.js';

export interface RoadComponents {
  /** Component of each node; 0 is the largest. */
  componentOf: Uint32Array;
  /** Nodes per component, largest first. */
  sizes: Uint32Array;
}

/**
 * The strongly connected components of the road graph (Tarjan's algorithm, iterative): within
 * one, every node reaches every other by the allowed directions. With two-way roads only they
 * are the plain connected parts; one-way streets can split a part further. A route between
 * components does not exist, so a point should be snapped to the largest one.
 */
export function roadComponents(graph: RoadGraph): RoadComponents {
  const n = graph.nodeCount;
  const order = new Int32Array(n).fill(-1);
  const low = new Uint32Array(n);
  const onStack = new Uint8Array(n);
  const raw = new Int32Array(n).fill(-1);
  const stack = new Uint32Array(n);
  let stackTop = 0;
  // The walk: node and the position in its out-arc list.
  const callNode = new Uint32Array(n);
  const callArc = new Uint32Array(n);
  let counter = 0;
  let components = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callArc[0] = graph.outStart[root]!;
    order[root] = low[root] = counter++;
    stack[stackTop++] = root;
    onStack[root] = 1;
    while (depth >= 0) {
      const node = callNode[depth]!;
      const position = callArc[depth]!;
      if (position < graph.outStart[node + 1]!) {
        callArc[depth] = position + 1;
        const next = arcHead(graph, graph.outArcs[position]!);
        if (order[next] === -1) {
          order[next] = low[next] = counter++;
          stack[stackTop++] = next;
          onStack[next] = 1;
          depth++;
          callNode[depth] = next;
          callArc[depth] = graph.outStart[next]!;
        } else if (onStack[next]) low[node] = Math.min(low[node]!, order[next]!);
        continue;
      }
      if (low[node] === order[node]) {
        let member: number;
        do {
          member = stack[--stackTop]!;
          onStack[member] = 0;
          raw[member] = components;
        } while (member !== node);
        components++;
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        low[parent] = Math.min(low[parent]!, low[node]!);
      }
    }
  }
  const rawSizes = new Uint32Array(components);
  for (let v = 0; v < n; v++) rawSizes[raw[v]!]!++;
  const bySize = Array.from(rawSizes.keys()).sort((a, b) => rawSizes[b]! - rawSizes[a]! || a - b);
  const rank = new Uint32Array(components);
  bySize.forEach((c, i) => (rank[c] = i));
  const componentOf = new Uint32Array(n);
  for (let v = 0; v < n; v++) componentOf[v] = rank[raw[v]!]!;
  return { componentOf, sizes: Uint32Array.from(bySize, (c) => rawSizes[c]!) };
}
