import Flatbush from 'flatbush';
import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import { GB50289_SOURCE } from '../../../workers/standards/gb50289Clearances.js';
import { type ClearancePipe, GAS_PRESSURES, gasPressureOf, pieceClearance } from '../../../workers/standards/gb50289PieceCheck.js';
import type { ClearanceConflict } from '../../../workers/formats/pipeAnalyses.js';
import { buildPipeNetwork, type PipeNetwork } from './buildPipeNetwork.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';
import { horizontalHalfSize, segmentCentreDepths, verticalHalfSize } from './segmentCentreDepths.js';

export type { ClearanceConflict };

const SEARCH = 3; // metres: more than any rule plus rounding

/**
 * What the clearance check needs of the segments, in columns: built on the main thread, checked
 * in a worker (typed arrays transferred, a few short strings per segment cloned).
 */
export interface ClearanceInput {
  ids: string[];
  categories: string[];
  /**
   * Per segment, its pipeline: the connected network of pipes joined at nodes (at a surveyed
   * point, an EPANET node, or ends snapped together), one number per network. Nodes are per
   * category, so pipes of different categories are always different pipelines.
   */
  pipeline: Uint32Array;
  /** Vertical half size, horizontal half size, diameter (0: none) per segment. */
  sizes: Float64Array;
  /** Index into GAS_PRESSURES per segment (gas pipes; "medium" when the survey says nothing). */
  gasPressure: Uint8Array;
  /** Every straight piece of every segment: its segment, and x0 y0 z0 x1 y1 z1 (metres from lon0, lat0). */
  pieceSegment: Uint32Array;
  coords: Float64Array;
  lon0: number;
  lat0: number;
}

export interface ClearanceReport {
  /** The first LISTED_CONFLICTS conflicts found (in segment order), sorted by ids and type. */
  conflicts: ClearanceConflict[];
  /** Every conflict found, listed or not (one per pair of pipes and type). */
  found: number;
  source: string;
  pairsChecked: number;
  /** Set when the check could not finish (its worker failed): then nothing was checked. */
  failed?: string;
}

/**
 * Conflicts listed in full; more are only counted. Without a bound, the findings grow with the
 * square of pipes lying on top of each other: 3,000 coincident pipes of mixed categories are
 * 4.5M pairs, and holding them all ran a worker out of memory.
 */
export const LISTED_CONFLICTS = 1000;

/**
 * GB 50289 clearance check between pipelines: horizontal clear distance where two pipes of
 * different categories run side by side, vertical clear distance where two pipes cross
 * (including crossings of two pipelines of one category, which the table lists). The
 * standard's clearances are between different pipelines: pipes of one connected network are
 * one pipeline, joined where they meet, never in conflict with each other (one water model
 * laid at one cover depth crosses itself in plan without conflicting). Clear distances are wall to wall
 * (centre distance minus both half sizes). One finding per pair and type, the worst spot.
 * A static R-tree over every straight piece keeps it near-linear: 100k segments in seconds.
 */
export function checkClearances(segments: readonly PipeSegment[], points: readonly PipePoint[] = []): ClearanceReport {
  return findClearanceConflicts(clearanceInputOf(segments, buildPipeNetwork(segments, points)));
}

/** `network`: buildPipeNetwork of these segments; `centreDepths`: segmentCentreDepths of each, when already at hand. */
export function clearanceInputOf(
  segments: readonly PipeSegment[],
  network: PipeNetwork,
  centreDepths: readonly Float64Array[] = segments.map(segmentCentreDepths),
): ClearanceInput {
  const lat0 = segments.length ? segments[0]!.lonLat[1]! : 0;
  const lon0 = segments.length ? segments[0]!.lonLat[0]! : 0;
  const scale = metresPerDegree(lat0);
  let pieceCount = 0;
  for (const depths of centreDepths) pieceCount += depths.length - 1;
  const pieceSegment = new Uint32Array(pieceCount);
  const coords = new Float64Array(pieceCount * 6);
  const pipeline = pipelinesOf(segments.length, network);
  const sizes = new Float64Array(segments.length * 3);
  const gasPressure = new Uint8Array(segments.length);
  let k = 0;
  segments.forEach((segment, s) => {
    sizes[s * 3] = verticalHalfSize(segment);
    sizes[s * 3 + 1] = horizontalHalfSize(segment);
    sizes[s * 3 + 2] = segment.diameter ?? 0;
    if (segment.category === 'RQ') gasPressure[s] = GAS_PRESSURES.indexOf(gasPressureOf(pressureText(segment)));
    const depths = centreDepths[s]!;
    const line = segment.lonLat;
    for (let i = 0; i + 1 < depths.length; i++, k++) {
      pieceSegment[k] = s;
      coords[k * 6] = (line[i * 2]! - lon0) * scale.lon;
      coords[k * 6 + 1] = (line[i * 2 + 1]! - lat0) * scale.lat;
      coords[k * 6 + 2] = depths[i]!;
      coords[k * 6 + 3] = (line[i * 2 + 2]! - lon0) * scale.lon;
      coords[k * 6 + 4] = (line[i * 2 + 3]! - lat0) * scale.lat;
      coords[k * 6 + 5] = depths[i + 1]!;
    }
  });
  return { ids: segments.map((s) => s.id), categories: segments.map((s) => s.category), pipeline, sizes, gasPressure, pieceSegment, coords, lon0, lat0 };
}

/** The connected component of each segment in the network (union-find over its edges' nodes). */
function pipelinesOf(segmentCount: number, network: PipeNetwork): Uint32Array {
  const parent = Uint32Array.from(network.nodes, (_, i) => i);
  const root = (node: number): number => {
    while (parent[node] !== node) node = parent[node] = parent[parent[node]!]!;
    return node;
  };
  for (const edge of network.edges) parent[root(edge.from)] = root(edge.to);
  const pipeline = new Uint32Array(segmentCount);
  for (const edge of network.edges) pipeline[edge.segment] = root(edge.from);
  return pipeline;
}

/** The buffers of an input, to transfer it to a worker without a copy. */
export function clearanceInputTransfer(input: ClearanceInput): ArrayBuffer[] {
  return [input.pipeline, input.sizes, input.gasPressure, input.pieceSegment, input.coords].map((a) => a.buffer as ArrayBuffer);
}

export function findClearanceConflicts(input: ClearanceInput): ClearanceReport {
  const { ids, categories, pipeline, sizes, coords, pieceSegment } = input;
  const pieceCount = pieceSegment.length;
  const scale = metresPerDegree(input.lat0);
  const piece = (i: number): Piece => ({
    x0: coords[i * 6]!,
    y0: coords[i * 6 + 1]!,
    z0: coords[i * 6 + 2]!,
    x1: coords[i * 6 + 3]!,
    y1: coords[i * 6 + 4]!,
    z1: coords[i * 6 + 5]!,
  });
  const listed: ClearanceConflict[] = [];
  let found = 0;
  if (pieceCount === 0) return { conflicts: [], found: 0, source: GB50289_SOURCE, pairsChecked: 0 };
  const index = new Flatbush(pieceCount);
  for (let i = 0; i < pieceCount; i++) {
    const c = i * 6;
    index.add(
      Math.min(coords[c]!, coords[c + 3]!),
      Math.min(coords[c + 1]!, coords[c + 4]!),
      Math.max(coords[c]!, coords[c + 3]!),
      Math.max(coords[c + 1]!, coords[c + 4]!),
    );
  }
  index.finish();
  let pairsChecked = 0;
  // Pieces are grouped by segment in segment order and each pair is looked at from its lower
  // piece, so every conflict of segment `sa` with a later one is found while its pieces are
  // scanned: they are gathered per segment (the worst spot per pair and type) and then
  // counted, and listed while there is room. Memory: one segment's neighbours.
  let current = -1;
  const ofCurrent = new Map<number, ClearanceConflict>(); // key: other segment × 2 + (vertical ? 1 : 0)
  const flush = (): void => {
    found += ofCurrent.size;
    for (const conflict of ofCurrent.values()) if (listed.length < LISTED_CONFLICTS) listed.push(conflict);
    ofCurrent.clear();
  };
  const record = (type: ClearanceConflict['type'], sa: number, sb: number, metres: number, actual: number, [lon, lat]: [number, number]): void => {
    const [first, second] = ids[sa]! < ids[sb]! ? [sa, sb] : [sb, sa];
    const conflict: ClearanceConflict = {
      type,
      a: ids[first]!,
      b: ids[second]!,
      categories: [categories[first]!, categories[second]!],
      required: metres,
      actual: round(actual),
      lon,
      lat,
    };
    const key = sb * 2 + (type === 'vertical' ? 1 : 0);
    const existing = ofCurrent.get(key);
    if (!existing || conflict.actual < existing.actual) ofCurrent.set(key, conflict);
  };
  const toLonLat = (x: number, y: number): [number, number] => [input.lon0 + x / scale.lon, input.lat0 + y / scale.lat];
  // What the rules need of each segment (gb50289PieceCheck: one home for the rule logic).
  const pipes: ClearancePipe[] = ids.map((_, s) => ({
    category: categories[s]!,
    verticalHalf: sizes[s * 3]!,
    horizontalHalf: sizes[s * 3 + 1]!,
    diameter: sizes[s * 3 + 2]!,
    gasPressure: GAS_PRESSURES[categories[s] === 'RQ' ? input.gasPressure[s]! : 1]!,
  }));

  for (let ia = 0; ia < pieceCount; ia++) {
    if (pieceSegment[ia] !== current) {
      flush();
      current = pieceSegment[ia]!;
    }
    const c = ia * 6;
    const found = index.search(
      Math.min(coords[c]!, coords[c + 3]!) - SEARCH,
      Math.min(coords[c + 1]!, coords[c + 4]!) - SEARCH,
      Math.max(coords[c]!, coords[c + 3]!) + SEARCH,
      Math.max(coords[c + 1]!, coords[c + 4]!) + SEARCH,
    );
    let a: Piece | undefined;
    for (const ib of found) {
      if (ib <= ia) continue;
      const sa = pieceSegment[ia]!;
      const sb = pieceSegment[ib]!;
      // One pipeline (a segment, or pipes joined into one network) has no clearance to itself.
      if (pipeline[sa] === pipeline[sb]) continue;
      pairsChecked++;
      a ??= piece(ia);
      const measured = pieceClearance(a, pipes[sa]!, piece(ib), pipes[sb]!);
      if (measured && measured.actual < measured.required) record(measured.type, sa, sb, measured.required, measured.actual, toLonLat(measured.x, measured.y));
    }
  }
  flush();
  const sorted = listed.sort((p, q) => p.a.localeCompare(q.a) || p.b.localeCompare(q.b) || p.type.localeCompare(q.type));
  return { conflicts: sorted, found, source: GB50289_SOURCE, pairsChecked };
}

/** A gas pipe's 压力 (pressure) column. */
function pressureText(segment: PipeSegment): string {
  return String(segment.attributes['压力'] ?? segment.attributes['pressure'] ?? '');
}

type Piece = { x0: number; y0: number; z0: number; x1: number; y1: number; z1: number };

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
