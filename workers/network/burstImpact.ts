import { isolateBurst } from './isolateBurst.js';
import type { PreparedSupplyNetwork } from './prepareSupplyNetwork.js';
import { reachableFromSources } from './reachableFromSources.js';

/** A valve on a node (survey 阀门, 阀门井) or a valve link (EPANET valve). */
export const VALVE_ON_NODE = 0;
export const VALVE_LINK = 1;

/** Why a building, node or sensor loses water. */
export const LOST_ISOLATED = 0;
export const LOST_CUT_OFF = 1;

/**
 * What a burst on one pipe does once its valves are closed. Indices into the graph and the
 * supply network's tables; typed arrays, so a worker returns them on a transfer list.
 */
export interface BurstImpact {
  burstEdge: number;
  /**
   * The valves to close, in closing order (see valveClosingOrder below): VALVE_ON_NODE with a
   * node index or VALVE_LINK with an edge index, the distance from the burst along the
   * isolated pipes (m), and 1 where water still reaches the valve's far side from a source
   * (the valve feeds the burst: close those first).
   */
  valveKind: Uint8Array;
  valveIndex: Uint32Array;
  valveDistance: Float64Array;
  valveFeeds: Uint8Array;
  /** Edges shut in by the valves, the burst edge among them, ascending. */
  isolatedEdges: Uint32Array;
  /** Nodes inside the isolated part (not the valves bounding it), ascending. */
  isolatedNodes: Uint32Array;
  /** Nodes a source reached before and no longer reaches, outside the isolated part, ascending. */
  cutOffNodes: Uint32Array;
  /** Edges between cut-off nodes (still open, but dry), ascending. */
  cutOffEdges: Uint32Array;
  /** Service rows (buildings) that lose water, ascending, and why (LOST_ISOLATED or LOST_CUT_OFF). */
  buildings: Uint32Array;
  buildingCause: Uint8Array;
  /** Facility rows (hospitals, schools, care homes) that lose water, ascending. */
  facilities: Uint32Array;
  /** Sensor rows inside the isolated or cut-off part, ascending, and why. */
  sensors: Uint32Array;
  sensorCause: Uint8Array;
  /** No valve bounds the burst: the isolated part is all the pipe can reach. */
  unbounded: boolean;
  /** How many sources the network names: with none, nothing can be "cut off", only isolated. */
  sourceCount: number;
}

/**
 * Burst impact: the valves to close (isolateBurst), the pipes and nodes they shut in, the
 * nodes cut off from every source once they are closed (connectivity to the sources, not just
 * the isolated part: a dead-end street beyond the burst loses water too), and the buildings,
 * critical facilities and sensors served from either.
 *
 * Closing order: valves that feed the burst (water still reaches their far side from a source)
 * before those that do not, each group nearest first by distance along the isolated pipes from
 * the burst. Closing the feeding valves first stops the inflow soonest; the others only stop
 * what drains back from the dead ends. Within a group a crew walking out from the burst meets
 * the nearest valve first, and nearer valves shut in fewer metres of pipe while the rest are
 * reached. Without sources every valve counts as feeding, and the order is by distance alone.
 */
export function burstImpact(prepared: PreparedSupplyNetwork, burstEdge: number): BurstImpact {
  const { network, supplied } = prepared;
  const { graph } = network;
  const edgeCount = graph.edgeFrom.length;
  if (!Number.isInteger(burstEdge) || burstEdge < 0 || burstEdge >= edgeCount)
    throw new RangeError(`burst edge ${burstEdge} is not an edge index below ${edgeCount}`);
  const isolation = isolateBurst(graph, burstEdge);

  const isolatedEdge = new Uint8Array(edgeCount);
  const closedEdge = new Uint8Array(edgeCount);
  const isolatedNode = new Uint8Array(graph.nodeCount);
  const isolatedNodes: number[] = [];
  for (const edge of isolation.isolatedEdges) {
    isolatedEdge[edge] = 1;
    closedEdge[edge] = 1;
    for (const node of [graph.edgeFrom[edge]!, graph.edgeTo[edge]!]) {
      if (isolatedNode[node] || graph.valveNodes[node]) continue;
      isolatedNode[node] = 1;
      isolatedNodes.push(node);
    }
  }
  for (const edge of isolation.valveEdges) closedEdge[edge] = 1;

  // Water after closing: from the sources outside the isolated part, around the closed pipes.
  const after = reachableFromSources(graph, network.sourceNodes, closedEdge, isolatedNode);
  const cutOff = new Uint8Array(graph.nodeCount);
  const cutOffNodes: number[] = [];
  for (let n = 0; n < graph.nodeCount; n++) {
    if (supplied[n] && !after[n] && !isolatedNode[n]) {
      cutOff[n] = 1;
      cutOffNodes.push(n);
    }
  }
  const cutOffEdges: number[] = [];
  for (const node of cutOffNodes) {
    for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
      const edge = graph.adjacencyEdges[k]!;
      const other = graph.edgeFrom[edge] === node ? graph.edgeTo[edge]! : graph.edgeFrom[edge]!;
      // Each edge once (from its lower end, or its only end for a loop); closed valve links stay out.
      if (!closedEdge[edge] && cutOff[other] && (other > node || (other === node && graph.edgeFrom[edge] === node))) cutOffEdges.push(edge);
    }
  }

  // Buildings: fed from a lost node, or tapping an isolated main between its ends.
  const serviceCount = network.services.node.length;
  const serviceLost = new Uint8Array(serviceCount); // 0 kept, 1 + cause
  const loseServices = (rows: Uint32Array, from: number, to: number, cause: number): void => {
    for (let k = from; k < to; k++) if (!serviceLost[rows[k]!]) serviceLost[rows[k]!] = 1 + cause;
  };
  const { servicesByNode, servicesByEdge, sensorsByNode, sensorsByEdge } = prepared;
  for (const edge of isolation.isolatedEdges) loseServices(servicesByEdge.rows, servicesByEdge.start[edge]!, servicesByEdge.start[edge + 1]!, LOST_ISOLATED);
  for (const node of isolatedNodes) loseServices(servicesByNode.rows, servicesByNode.start[node]!, servicesByNode.start[node + 1]!, LOST_ISOLATED);
  for (const node of cutOffNodes) loseServices(servicesByNode.rows, servicesByNode.start[node]!, servicesByNode.start[node + 1]!, LOST_CUT_OFF);
  const buildings: number[] = [];
  for (let row = 0; row < serviceCount; row++) if (serviceLost[row]) buildings.push(row);

  const facilityLost = new Uint8Array(network.facilities.service.length);
  for (const row of buildings) {
    const { start, rows } = prepared.facilitiesByService;
    for (let k = start[row]!; k < start[row + 1]!; k++) facilityLost[rows[k]!] = 1;
  }
  for (const node of [...isolatedNodes, ...cutOffNodes]) {
    const { start, rows } = prepared.facilitiesByNode;
    for (let k = start[node]!; k < start[node + 1]!; k++) facilityLost[rows[k]!] = 1;
  }
  const facilities: number[] = [];
  facilityLost.forEach((lost, row) => lost && facilities.push(row));

  // Sensors: on an isolated node or edge, or in the cut-off part.
  const sensorLost = new Uint8Array(network.sensors.node.length);
  const loseSensors = (index: typeof sensorsByNode, key: number, cause: number): void => {
    for (let k = index.start[key]!; k < index.start[key + 1]!; k++) if (!sensorLost[index.rows[k]!]) sensorLost[index.rows[k]!] = 1 + cause;
  };
  for (const edge of isolation.isolatedEdges) loseSensors(sensorsByEdge, edge, LOST_ISOLATED);
  for (const node of isolatedNodes) loseSensors(sensorsByNode, node, LOST_ISOLATED);
  for (const node of cutOffNodes) loseSensors(sensorsByNode, node, LOST_CUT_OFF);
  for (const edge of cutOffEdges) loseSensors(sensorsByEdge, edge, LOST_CUT_OFF);
  const sensors: number[] = [];
  sensorLost.forEach((lost, row) => lost && sensors.push(row));

  const order = valveClosingOrder(prepared, burstEdge, isolatedEdge, isolation.valveNodes, isolation.valveEdges, after);
  const ascending = (values: number[]): Uint32Array => Uint32Array.from(values).sort();
  return {
    burstEdge,
    ...order,
    isolatedEdges: isolation.isolatedEdges,
    isolatedNodes: ascending(isolatedNodes),
    cutOffNodes: Uint32Array.from(cutOffNodes),
    cutOffEdges: ascending(cutOffEdges),
    buildings: Uint32Array.from(buildings),
    buildingCause: Uint8Array.from(buildings, (row) => serviceLost[row]! - 1),
    facilities: Uint32Array.from(facilities),
    sensors: Uint32Array.from(sensors),
    sensorCause: Uint8Array.from(sensors, (row) => sensorLost[row]! - 1),
    unbounded: isolation.unbounded,
    sourceCount: network.sourceNodes.length,
  };
}

/**
 * The valves in closing order (see burstImpact): shortest distances from the burst over the
 * isolated edges (Dijkstra from the burst edge's middle), then feeding valves first, nearest first.
 */
function valveClosingOrder(
  prepared: PreparedSupplyNetwork,
  burstEdge: number,
  isolatedEdge: Uint8Array,
  valveNodes: Uint32Array,
  valveEdges: Uint32Array,
  after: Uint8Array,
): Pick<BurstImpact, 'valveKind' | 'valveIndex' | 'valveDistance' | 'valveFeeds'> {
  const { graph, edgeLength, sourceNodes } = prepared.network;
  const distance = new Float64Array(graph.nodeCount).fill(Infinity);
  // Each isolated edge is relaxed at most once from each end: that bounds the heap.
  let isolatedCount = 0;
  for (let e = 0; e < isolatedEdge.length; e++) isolatedCount += isolatedEdge[e]!;
  const heap = new DistanceHeap(2 * isolatedCount + 2);
  const half = (edgeLength[burstEdge] ?? 0) / 2;
  for (const node of [graph.edgeFrom[burstEdge]!, graph.edgeTo[burstEdge]!]) {
    distance[node] = half;
    heap.push(node, half);
  }
  while (heap.size > 0) {
    const d = heap.topKey();
    const node = heap.pop();
    if (d > distance[node]!) continue;
    if (graph.valveNodes[node]) continue; // a valve bounds the walk: it is reached, not passed
    for (let k = graph.adjacencyStart[node]!; k < graph.adjacencyStart[node + 1]!; k++) {
      const edge = graph.adjacencyEdges[k]!;
      if (!isolatedEdge[edge]) continue;
      const next = graph.edgeFrom[edge] === node ? graph.edgeTo[edge]! : graph.edgeFrom[edge]!;
      const nd = d + Math.max(0, edgeLength[edge] ?? 0);
      if (nd < distance[next]!) {
        distance[next] = nd;
        heap.push(next, nd);
      }
    }
  }
  const noSources = sourceNodes.length === 0;
  const valves: { kind: number; index: number; distance: number; feeds: number }[] = [];
  for (const node of valveNodes) valves.push({ kind: VALVE_ON_NODE, index: node, distance: distance[node]!, feeds: noSources || after[node] ? 1 : 0 });
  for (const edge of valveEdges) {
    const a = graph.edgeFrom[edge]!;
    const b = graph.edgeTo[edge]!;
    // The link's end inside the isolated part gives its distance; the other end, whether it feeds.
    const da = distance[a]!;
    const db = distance[b]!;
    const outside = da <= db ? b : a;
    valves.push({ kind: VALVE_LINK, index: edge, distance: Math.min(da, db), feeds: noSources || after[outside] ? 1 : 0 });
  }
  valves.sort((x, y) => y.feeds - x.feeds || x.distance - y.distance || x.kind - y.kind || x.index - y.index);
  return {
    valveKind: Uint8Array.from(valves, (v) => v.kind),
    valveIndex: Uint32Array.from(valves, (v) => v.index),
    valveDistance: Float64Array.from(valves, (v) => Math.round(v.distance * 100) / 100),
    valveFeeds: Uint8Array.from(valves, (v) => v.feeds),
  };
}

/** A binary min-heap of (node, distance) pairs in typed arrays, for Dijkstra; stale entries are skipped by the caller. */
class DistanceHeap {
  private readonly nodes: Uint32Array;
  private readonly keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.nodes = new Uint32Array(capacity);
    this.keys = new Float64Array(capacity);
  }

  push(node: number, key: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.nodes[i] = this.nodes[parent]!;
      this.keys[i] = this.keys[parent]!;
      i = parent;
    }
    this.nodes[i] = node;
    this.keys[i] = key;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  /** Removes the entry with the smallest key and returns its node. */
  pop(): number {
    const top = this.nodes[0]!;
    const n = --this.size;
    const lastNode = this.nodes[n]!;
    const lastKey = this.keys[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= lastKey) break;
      this.nodes[i] = this.nodes[child]!;
      this.keys[i] = this.keys[child]!;
      i = child;
    }
    this.nodes[i] = lastNode;
    this.keys[i] = lastKey;
    return top;
  }
}
