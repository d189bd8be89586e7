import { ROOF, WALL } from '../../../workers/geometry/MeshAccumulator.js';
import { tubeSegmentsForDiameter } from '../../../workers/geometry/sweepTube.js';
import type { AttributeValue } from '../readers/SourceFeature.js';
import { CJJ61_CATEGORIES } from '../../../workers/standards/cjj61Categories.js';
import type { PipeNetwork } from './buildPipeNetwork.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';
import type { PipeItem, PipeSolid } from './PipeItem.js';
import { CAP_END, CAP_START, capEndsOfEdges } from './hiddenCapEnds.js';
import { alongFractions, verticalHalfSize } from './segmentCentreDepths.js';

/** Where the ground is: flat at height 0 (no terrain), or at the survey points' 地面高程. */
export type GroundMode = 'flat' | 'points';

const WELL_KINDS = /检修井|窨井|阀门井|水表井|检查井|人孔|手孔|井/;
const VALVE_KINDS = /阀/;
const HYDRANT_KINDS = /消防栓|消火栓/;
const GRATING_KINDS = /雨水箅|雨箅|箅子/;

/**
 * Turns validated segments and points into drawable features: pipes as tubes or boxes at their
 * surveyed depth (interpolated along the line, converted from the category's reference — crown
 * or invert — to the centre line), wells as shafts from below the deepest connected pipe up to
 * a cover at ground level, valves on the pipe with a stem, hydrants above ground, gratings at
 * ground, other points (bends, tees…) as fittings around the pipe.
 */
export function pipeItemsFrom(
  segments: readonly PipeSegment[],
  points: readonly PipePoint[],
  network: PipeNetwork,
  ground: GroundMode,
  /** Per segment: segmentCentreDepths (the clearance check uses them too). */
  segmentDepths: readonly Float64Array[],
): PipeItem[] {
  const items: PipeItem[] = [];
  // Ground height at every node: 0 (a flat ground, as the buildings stand on), or the points'
  // 地面高程 where surveyed, the survey's median elsewhere.
  const surveyed = points.map((p) => p.groundElevation).filter((g): g is number => g !== undefined && Number.isFinite(g));
  const fallback = ground === 'points' && surveyed.length > 0 ? [...surveyed].sort((a, b) => a - b)[Math.floor(surveyed.length / 2)]! : 0;
  const groundAt = (node: number): number => {
    if (ground === 'flat') return 0;
    const point = network.nodes[node]?.point;
    return (point !== undefined ? points[point]!.groundElevation : undefined) ?? fallback;
  };
  const category = new Map(CJJ61_CATEGORIES.map((c) => [c.code, c]));
  // Depth of the pipe centre and the largest radius at every node, from its segments (0: none).
  const nodeDepth = new Float64Array(network.nodes.length);
  const nodeRadius = new Float64Array(network.nodes.length);
  const centreDepths: Float64Array[] = [];

  for (const edge of network.edges) {
    const s = segments[edge.segment]!;
    const halfHeight = verticalHalfSize(s);
    const depths = segmentDepths[edge.segment]!;
    centreDepths.push(depths);
    nodeDepth[edge.from] = Math.max(nodeDepth[edge.from]!, depths[0]!);
    nodeDepth[edge.to] = Math.max(nodeDepth[edge.to]!, depths[depths.length - 1]!);
    nodeRadius[edge.from] = Math.max(nodeRadius[edge.from]!, halfHeight);
    nodeRadius[edge.to] = Math.max(nodeRadius[edge.to]!, halfHeight);
  }

  const capEnds = capEndsOfEdges(network, segments, centreDepths);
  network.edges.forEach((edge, e) => {
    const s = segments[edge.segment]!;
    const depths = centreDepths[e]!;
    const n = s.lonLat.length / 2;
    const path = new Float64Array(n * 3);
    const g0 = groundAt(edge.from);
    const g1 = groundAt(edge.to);
    const fractions = g0 === 0 && g1 === 0 ? undefined : alongFractions(s);
    for (let i = 0; i < n; i++) {
      path[i * 3] = s.lonLat[i * 2]!;
      path[i * 3 + 1] = s.lonLat[i * 2 + 1]!;
      // Depth below the zero level: below the ground, less the ground's own height.
      path[i * 3 + 2] = depths[i]! - (fractions ? g0 + (g1 - g0) * fractions[i]! : 0);
    }
    const box = s.width !== undefined && s.height !== undefined;
    const caps = [(capEnds[e]! & CAP_START) !== 0, (capEnds[e]! & CAP_END) !== 0] as const;
    const solid: PipeSolid = box
      ? { path, profile: { type: 'box', width: s.width!, height: s.height! }, surface: WALL, caps }
      : { path, profile: { type: 'circle', radius: s.diameter! / 2 }, surface: WALL, caps };
    const size = box ? Math.max(s.width!, s.height!) : s.diameter!;
    const sides = box ? 8 : tubeSegmentsForDiameter(s.diameter!);
    const capCount = (caps[0] ? 1 : 0) + (caps[1] ? 1 : 0);
    items.push({
      id: s.id,
      kind: 'segment',
      category: s.category,
      solids: [solid],
      attributes: s.attributes,
      values: {
        kind: 'segment',
        category: s.category,
        categoryName: category.get(s.category)?.nameZh ?? s.category,
        subType: s.subType ?? null,
        diameter: s.diameter ?? null,
        width: s.width ?? null,
        sectionHeight: s.height ?? null,
        material: s.material ?? null,
        startDepth: s.startDepth ?? null,
        endDepth: s.endDepth ?? null,
        depthReference: category.get(s.category)?.depthReference === 'bottom' ? '管底' : '管顶',
        length: edge.length,
        fromNode: network.nodes[edge.from]!.id,
        toNode: network.nodes[edge.to]!.id,
      },
      ...extent(path, size),
      importance: size * 20 + edge.length / 50,
      vertexCount: n * sides + capCount * (sides + 1),
    });
  });

  const nodeOfPoint = new Map<number, number>();
  network.nodes.forEach((node, i) => node.point !== undefined && nodeOfPoint.set(node.point, i));
  points.forEach((p, index) => {
    const node = nodeOfPoint.get(index);
    // A node no segment reached keeps 0 in both: the point's own depth, a default size.
    const pipeDepth = (node !== undefined && nodeRadius[node]! > 0 ? nodeDepth[node] : undefined) ?? p.depth ?? 1.0;
    const radius = (node !== undefined && nodeRadius[node]! > 0 ? nodeRadius[node] : undefined) ?? 0.1;
    const label = `${p.appurtenance ?? ''}${p.feature ?? ''}`;
    const g = node !== undefined ? groundAt(node) : ground === 'points' ? (p.groundElevation ?? fallback) : 0;
    const vertical = (top: number, bottom: number, r: number, surface = WALL): PipeSolid => ({
      path: Float64Array.from([p.lon, p.lat, bottom - g, p.lon, p.lat, top - g]),
      profile: { type: 'circle', radius: r },
      surface,
      caps: true,
      instanced: true,
    });
    let kind = 'fitting';
    let solids: PipeSolid[];
    if (WELL_KINDS.test(label)) {
      kind = 'well';
      const bottom = Math.max(p.depth ?? 0, pipeDepth + radius + 0.3);
      solids = [vertical(0, bottom, 0.5), vertical(-0.03, 0, 0.35, ROOF)];
    } else if (HYDRANT_KINDS.test(label)) {
      kind = 'hydrant';
      solids = [vertical(-0.8, pipeDepth, 0.08), vertical(-0.95, -0.8, 0.14, ROOF)];
    } else if (VALVE_KINDS.test(label)) {
      kind = 'valve';
      solids = [vertical(pipeDepth - radius - 0.2, pipeDepth + radius + 0.2, radius + 0.12), vertical(0, pipeDepth - radius - 0.2, 0.04)];
    } else if (GRATING_KINDS.test(label)) {
      kind = 'grating';
      solids = [
        {
          path: Float64Array.from([p.lon, p.lat, -g, p.lon + 0.0000055, p.lat, -g]),
          profile: { type: 'box', width: 0.4, height: 0.08 },
          surface: ROOF,
          caps: true,
        },
      ];
    } else if (/直线点|变深点|变坡点|转折点/.test(label)) {
      // Survey points on a straight pipe (depth changes, line points): data, nothing to draw.
      solids = [];
    } else {
      solids = [vertical(pipeDepth - radius * 1.3, pipeDepth + radius * 1.3, radius * 1.15)];
    }
    const path = solids.length > 0 ? Float64Array.from(solids.flatMap((s) => Array.from(s.path))) : Float64Array.from([p.lon, p.lat, pipeDepth - g]);
    items.push({
      id: p.id,
      kind,
      category: p.category,
      solids,
      attributes: p.attributes,
      values: {
        kind,
        category: p.category,
        categoryName: category.get(p.category)?.nameZh ?? p.category,
        feature: p.feature ?? null,
        appurtenance: p.appurtenance ?? null,
        groundElevation: p.groundElevation ?? null,
        depth: p.depth ?? null,
        degree: node !== undefined ? network.nodes[node]!.degree : 0,
      } satisfies Record<string, AttributeValue>,
      ...extent(path, 1),
      importance: kind === 'well' ? 2 : 1,
      vertexCount: solids.length * 2 * 26,
    });
  });
  return items;
}

function extent(path: Float64Array, size: number): { bbox: [number, number, number, number]; maxDepth: number; minDepth: number } {
  let west = Infinity,
    south = Infinity,
    east = -Infinity,
    north = -Infinity,
    deepest = -Infinity,
    shallowest = Infinity;
  for (let i = 0; i < path.length; i += 3) {
    west = Math.min(west, path[i]!);
    east = Math.max(east, path[i]!);
    south = Math.min(south, path[i + 1]!);
    north = Math.max(north, path[i + 1]!);
    deepest = Math.max(deepest, path[i + 2]!);
    shallowest = Math.min(shallowest, path[i + 2]!);
  }
  // Widen by the section so the region holds the solid, not just its axis.
  const pad = size / 2 / 111_000 + 2e-7;
  return { bbox: [west - pad * 1.3, south - pad, east + pad * 1.3, north + pad], maxDepth: deepest + size / 2 + 0.1, minDepth: shallowest - size / 2 - 0.1 };
}
