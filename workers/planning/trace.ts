import { TRACE_DIRECTIONS, type TraceDirection, type TraceResult } from '../formats/pipeAnalyses.js';
import { isolateBurst } from '../network/isolateBurst.js';
import { type NetworkGraph, networkGraph } from '../network/NetworkGraph.js';
import { flowEnds } from './longitudinalProfile.js';
import { isGravity, type PlanningPipes, pipeIndexOf, round } from './planningPipes.js';

/** Graphs of one category each (for valve isolation), built on first use and kept with the pipes. */
const graphs = new WeakMap<PlanningPipes, Map<string, { graph: NetworkGraph; pipeOfEdge: Uint32Array; edgeOfPipe: Int32Array; hasValves: boolean }>>();

/**
 * Network trace from a picked pipe: `connected` — every pipe of its category joined to it;
 * `upstream` / `downstream` — on gravity drainage, the pipes that flow into it or that it flows
 * into (flow by invert elevation, as longitudinalProfile). With the valves to close to shut the
 * picked pipe off where its network has valves (workers/network/isolateBurst: the emergency
 * analyses' kernel).
 */
export function trace(pipes: PlanningPipes, pipeId: unknown, options: unknown = {}): TraceResult {
  const start = pipeIndexOf(pipes, pipeId);
  const direction = directionOf(options);
  const category = pipes.category[start]!;
  if (direction !== 'connected' && !isGravity(category))
    throw new Error(`upstream and downstream follow gravity flow (drainage, PS); pipe "${pipes.ids[start]}" is ${category}: trace it as "connected"`);
  const reached = new Uint8Array(pipes.ids.length);
  reached[start] = 1;
  const order = [start];
  const ends: number[] = [];
  // Typed arrays and a plain stack of nodes: a connected trace walks the whole water network (10k pipes) in a few ms.
  const seenNode = new Uint8Array(pipes.nodeIds.length);
  const stack: number[] = [];
  const pushNodesOf = (p: number): void => {
    if (direction === 'connected') stack.push(pipes.from[p]!, pipes.to[p]!);
    else {
      const flow = flowEnds(pipes, p);
      stack.push(direction === 'downstream' ? flow.downstream : flow.upstream);
    }
  };
  pushNodesOf(start);
  while (stack.length) {
    const node = stack.pop()!;
    if (seenNode[node]) continue;
    seenNode[node] = 1;
    // Pipes that carry on from this node: any of the category (connected), or those flowing on.
    let onward = 0;
    for (let k = pipes.nodeStart[node]!; k < pipes.nodeStart[node + 1]!; k++) {
      const q = pipes.nodePipes[k]!;
      if (pipes.category[q] !== category) continue;
      if (direction !== 'connected') {
        const flow = flowEnds(pipes, q);
        if ((direction === 'downstream' ? flow.upstream : flow.downstream) !== node) continue;
      }
      onward++;
      if (reached[q]) continue;
      reached[q] = 1;
      order.push(q);
      pushNodesOf(q);
    }
    // Ends: dead ends of the network, or where the flow goes no further (outfall, head).
    if (direction === 'connected' ? onward === 1 : onward === 0) ends.push(node);
  }
  let length = 0;
  for (const p of order) length += pipes.length[p]!;
  const valves = valvesToClose(pipes, start);
  return {
    pipeId: pipes.ids[start]!,
    category,
    direction,
    pipes: order.map((p) => pipes.ids[p]!),
    length: round(length, 100),
    valves: valves.ids,
    unbounded: valves.unbounded,
    ends: ends.sort((a, b) => a - b).map((n) => pipes.nodeIds[n]!),
  };
}

/** The valves that shut a pipe off (isolateBurst on its category's graph); none for a network without valves. */
function valvesToClose(pipes: PlanningPipes, p: number): { ids: string[]; unbounded: boolean } {
  const category = pipes.category[p]!;
  let byCategory = graphs.get(pipes);
  if (!byCategory) graphs.set(pipes, (byCategory = new Map()));
  let entry = byCategory.get(category);
  if (!entry) {
    const keep: number[] = [];
    pipes.category.forEach((c, q) => c === category && keep.push(q));
    const pipeOfEdge = Uint32Array.from(keep);
    const edgeOfPipe = new Int32Array(pipes.ids.length).fill(-1);
    keep.forEach((q, e) => (edgeOfPipe[q] = e));
    const nodeCount = pipes.nodeIds.length;
    const valveNodes = new Uint8Array(nodeCount);
    for (const q of keep) for (const n of [pipes.from[q]!, pipes.to[q]!]) valveNodes[n] = pipes.valveNode[n]!;
    const graph = networkGraph(
      nodeCount,
      Uint32Array.from(keep, (q) => pipes.from[q]!),
      Uint32Array.from(keep, (q) => pipes.to[q]!),
      valveNodes,
      Uint8Array.from(keep, (q) => pipes.valvePipe[q]!),
    );
    const hasValves = graph.valveNodes.includes(1) || graph.valveEdges.includes(1);
    byCategory.set(category, (entry = { graph, pipeOfEdge, edgeOfPipe, hasValves }));
  }
  const { graph, pipeOfEdge, edgeOfPipe, hasValves } = entry;
  if (!hasValves) return { ids: [], unbounded: true };
  const isolation = isolateBurst(graph, edgeOfPipe[p]!);
  return {
    ids: [...Array.from(isolation.valveNodes, (n) => pipes.nodeIds[n]!), ...Array.from(isolation.valveEdges, (e) => pipes.ids[pipeOfEdge[e]!]!)],
    unbounded: isolation.unbounded,
  };
}

function directionOf(options: unknown): TraceDirection {
  if (options === undefined) return 'connected';
  if (typeof options !== 'object' || options === null)
    throw new Error(`trace options are {direction: 'connected' | 'upstream' | 'downstream'}; got ${JSON.stringify(options)}`);
  const direction = (options as { direction?: unknown }).direction ?? 'connected';
  if (!TRACE_DIRECTIONS.includes(direction as TraceDirection))
    throw new Error(`the trace direction is ${JSON.stringify(direction)}: one of ${TRACE_DIRECTIONS.map((d) => `'${d}'`).join(', ')}`);
  return direction as TraceDirection;
}
