import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { PipeNetwork } from './buildPipeNetwork.js';
import type { PipeSegment } from './PipeFeatures.js';
import { horizontalHalfSize, verticalHalfSize } from './segmentCentreDepths.js';

/** Within 1° of straight on: the joint's outer wedge stays under a centimetre up to DN1000. */
const STRAIGHT_ON_COS = -0.99985;
/** Centre lines this close (m) count as aligned. */
const ALIGNED = 0.005;

export const CAP_START = 1;
export const CAP_END = 2;

/**
 * Which ends of each edge's solid need a cap (CAP_START | CAP_END bits, by edge index). An end
 * that runs straight on into another pipe of the same shape at least as large, at the same
 * depth, is inside that pipe: its cap could never be seen. Along a main split at every valve
 * or survey point this halves the vertices of a straight pipe run.
 * `centreDepths`: each edge's centre-line depths per vertex (metres below ground).
 */
export function capEndsOfEdges(network: PipeNetwork, segments: readonly PipeSegment[], centreDepths: readonly Float64Array[]): Uint8Array {
  const edges = network.edges;
  const caps = new Uint8Array(edges.length).fill(CAP_START | CAP_END);
  // Each end's outward direction (metres: east, north, down), by end index 2·edge + (0 from | 1 to).
  const direction = new Float64Array(edges.length * 6);
  const nodeEnds = endsByNode(network);
  const scale = metresPerDegree(network.nodes[0]?.lat ?? 0);
  edges.forEach((edge, e) => {
    const line = segments[edge.segment]!.lonLat;
    const depths = centreDepths[e]!;
    const last = depths.length - 1;
    outward(direction, e * 6, line, depths, 0, 1, scale);
    outward(direction, e * 6 + 3, line, depths, last, last - 1, scale);
  });
  for (let e = 0; e < edges.length; e++) {
    for (let end = 0; end < 2; end++) {
      const node = end === 0 ? edges[e]!.from : edges[e]!.to;
      const self = segments[edges[e]!.segment]!;
      const depth = end === 0 ? centreDepths[e]![0]! : centreDepths[e]![centreDepths[e]!.length - 1]!;
      for (let k = nodeEnds.offsets[node]!; k < nodeEnds.offsets[node + 1]!; k++) {
        const other = nodeEnds.ends[k]!;
        const o = other >> 1;
        if (o === e) continue;
        const d = e * 6 + end * 3;
        const od = o * 6 + (other & 1) * 3;
        const cos = direction[d]! * direction[od]! + direction[d + 1]! * direction[od + 1]! + direction[d + 2]! * direction[od + 2]!;
        if (!(cos < STRAIGHT_ON_COS)) continue;
        const otherDepths = centreDepths[o]!;
        const otherDepth = (other & 1) === 0 ? otherDepths[0]! : otherDepths[otherDepths.length - 1]!;
        if (encloses(segments[edges[o]!.segment]!, self, Math.abs(otherDepth - depth))) {
          caps[e] = caps[e]! & ~(end === 0 ? CAP_START : CAP_END);
          break;
        }
      }
    }
  }
  return caps;
}

/** Does `outer`'s section hold `inner`'s, their centres `offset` metres apart vertically? */
function encloses(outer: PipeSegment, inner: PipeSegment, offset: number): boolean {
  const box = (s: PipeSegment): boolean => s.width !== undefined && s.height !== undefined;
  if (box(outer) !== box(inner)) return false;
  const slackUp = verticalHalfSize(outer) - verticalHalfSize(inner);
  const slackSide = horizontalHalfSize(outer) - horizontalHalfSize(inner);
  return slackSide >= -1e-9 && offset <= slackUp + ALIGNED;
}

/** Unit vector out of the solid's end at vertex `at`: from its neighbour `inner` towards it. */
function outward(
  into: Float64Array,
  offset: number,
  line: Float64Array,
  depths: Float64Array,
  at: number,
  inner: number,
  scale: { lon: number; lat: number },
): void {
  const x = (line[at * 2]! - line[inner * 2]!) * scale.lon;
  const y = (line[at * 2 + 1]! - line[inner * 2 + 1]!) * scale.lat;
  const z = depths[at]! - depths[inner]!;
  const length = Math.hypot(x, y, z);
  into[offset] = x / length;
  into[offset + 1] = y / length;
  into[offset + 2] = z / length;
}

/** The edge ends (2·edge + 0|1) at each node, compressed-row: ends[offsets[n] … offsets[n+1]). */
function endsByNode(network: PipeNetwork): { offsets: Uint32Array; ends: Uint32Array } {
  const offsets = new Uint32Array(network.nodes.length + 1);
  for (const edge of network.edges) {
    offsets[edge.from + 1]!++;
    offsets[edge.to + 1]!++;
  }
  for (let n = 0; n < network.nodes.length; n++) offsets[n + 1]! += offsets[n]!;
  const fill = offsets.slice(0, network.nodes.length);
  const ends = new Uint32Array(network.edges.length * 2);
  network.edges.forEach((edge, e) => {
    ends[fill[edge.from]!++] = e * 2;
    ends[fill[edge.to]!++] = e * 2 + 1;
  });
  return { offsets, ends };
}
