import { MinHeap } from './MinHeap.js';
import { BACKWARD, FORWARD, type RoadGraph } from './RoadGraph.js';
import { roadComponents, type RoadComponents } from './roadComponents.js';
import { RoadSnapper, type SnappedPoint } from './RoadSnapper.js';
import { DEFAULT_ROAD_SPEEDS, metresPerSecond, type RoadSpeeds } from './roadSpeeds.js';

/** nextArc of a node whose way on is along the target's own edge. */
const ALONG_TARGET_EDGE = -2;

/**
 * A road graph ready for routing: its components, a snapper restricted to the largest one
 * (a point snapped to an island could reach nothing), and search buffers reused between
 * queries (a generation stamp instead of refilling them).
 *
 * Shortest paths are Dijkstra's with a binary heap on the CSR arrays. A* would not help here:
 * one search from the incident over the reversed arcs times every resource at once, and an
 * A* heuristic serves one target. No library: the graph libraries on npm (ngraph.path,
 * graphology) keep nodes and edges as objects, and these 150 lines keep the typed arrays.
 */
export class RoadRouter {
  readonly components: RoadComponents;
  readonly snapper: RoadSnapper;
  /** Metres per second between a point and its road. */
  readonly accessSpeed: number;
  private readonly seconds: Float64Array;
  private readonly nextArc: Int32Array;
  private readonly stamp: Uint32Array;
  private generation = 0;
  private readonly heap: MinHeap;
  private target: SnappedPoint | null = null;
  /** Nodes taken off the heap by the last search. */
  settled = 0;
  /** Whether the last search ran out of nodes (it reached all it could) rather than stopping at its bound. */
  exhausted = false;

  constructor(
    readonly graph: RoadGraph,
    speeds: RoadSpeeds = DEFAULT_ROAD_SPEEDS,
  ) {
    this.components = roadComponents(graph);
    const snappable = new Uint8Array(graph.edgeFrom.length);
    for (let e = 0; e < snappable.length; e++)
      snappable[e] = this.components.componentOf[graph.edgeFrom[e]!] === 0 && this.components.componentOf[graph.edgeTo[e]!] === 0 ? 1 : 0;
    this.snapper = new RoadSnapper(graph, snappable);
    this.accessSpeed = metresPerSecond(speeds.access, 'access');
    this.seconds = new Float64Array(graph.nodeCount);
    this.nextArc = new Int32Array(graph.nodeCount);
    this.stamp = new Uint32Array(graph.nodeCount);
    this.heap = new MinHeap(graph.nodeCount);
  }

  /** Snaps a point; throws when the graph has nothing to snap to. */
  snap(lon: number, lat: number): SnappedPoint {
    const snapped = this.snapper.snap(lon, lat);
    if (!snapped) throw new Error('the road graph has no edge to snap to');
    return snapped;
  }

  /**
   * Times from every node to `target` (a point on a road), nearest nodes first, by searching
   * backwards from it over the arcs that lead into each node. `onSettled(node, seconds)` sees
   * each node once its time is final; the search stops when the next node would take longer
   * than `bound()` (Infinity: the whole component). Seconds include the target's off-road leg.
   */
  searchToward(target: SnappedPoint, onSettled: (node: number, seconds: number) => void, bound: () => number = () => Infinity): void {
    const { graph, heap } = this;
    if (++this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
    this.target = target;
    this.settled = 0;
    heap.clear();
    const edge = target.edge;
    const access = target.offRoadMetres / this.accessSpeed;
    const edgeSeconds = graph.edgeSeconds[edge]!;
    // Reaching the target's point on its edge: from its from node driving forward, or from its to node driving backward.
    if (graph.edgeDirections[edge]! & FORWARD) this.improve(graph.edgeFrom[edge]!, access + target.fraction * edgeSeconds, ALONG_TARGET_EDGE);
    if (graph.edgeDirections[edge]! & BACKWARD) this.improve(graph.edgeTo[edge]!, access + (1 - target.fraction) * edgeSeconds, ALONG_TARGET_EDGE);
    while (heap.length > 0 && heap.peekKey() <= bound()) {
      const key = heap.peekKey();
      const node = heap.pop();
      if (key > this.seconds[node]!) continue; // a stale entry: the node was reached faster since
      this.settled++;
      onSettled(node, key);
      for (let k = graph.inStart[node]!; k < graph.inStart[node + 1]!; k++) {
        const arc = graph.inArcs[k]!;
        const tail = arc & 1 ? graph.edgeTo[arc >>> 1]! : graph.edgeFrom[arc >>> 1]!;
        this.improve(tail, key + graph.edgeSeconds[arc >>> 1]!, arc);
      }
    }
    this.exhausted = heap.length === 0;
  }

  /** Seconds from a node to the last search's target (Infinity when the search did not reach it). */
  secondsFrom(node: number): number {
    return this.stamp[node] === this.generation ? this.seconds[node]! : Infinity;
  }

  /**
   * Appends the road route from a reached node to the last search's target, as flat
   * [lon, lat, …] (the target's point on the road last).
   */
  appendRouteFrom(node: number, out: number[]): void {
    const { graph, snapper } = this;
    const target = this.target;
    if (!target || this.secondsFrom(node) === Infinity) throw new Error(`node ${node} was not reached by the last search`);
    let at = node;
    for (let steps = 0; steps <= graph.nodeCount; steps++) {
      const arc = this.nextArc[at]!;
      if (arc === ALONG_TARGET_EDGE) {
        const fromStart = at === graph.edgeFrom[target.edge];
        snapper.appendEdgePart(target.edge, fromStart ? 0 : snapper.edgeLength(target.edge), target.along, out);
        return;
      }
      const edge = arc >>> 1;
      const length = snapper.edgeLength(edge);
      snapper.appendEdgePart(edge, arc & 1 ? length : 0, arc & 1 ? 0 : length, out);
      at = arc & 1 ? graph.edgeFrom[edge]! : graph.edgeTo[edge]!;
    }
    throw new Error('route walk did not end (corrupt search state)');
  }

  private improve(node: number, seconds: number, arc: number): void {
    if (this.stamp[node] === this.generation && this.seconds[node]! <= seconds) return;
    this.stamp[node] = this.generation;
    this.seconds[node] = seconds;
    this.nextArc[node] = arc;
    this.heap.push(node, seconds);
  }
}
