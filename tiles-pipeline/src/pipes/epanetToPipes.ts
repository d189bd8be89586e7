import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { Crs } from '../crs/Crs.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import type { EpanetNetwork } from './parseEpanet.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

export type EpanetPlacement = { crs: Crs } | { origin: [number, number] };

const NODE_LABELS = { junction: '节点', reservoir: '水源', tank: '水池' } as const;

/**
 * An EPANET water network as CJJ 61 water-supply (JS) segments and points. Placement: a CRS
 * for real coordinates, or an origin for schematic ones (their centre goes there, file units
 * turned into metres). EPANET has no depth: every pipe gets `cover` metres to its crown.
 * Valves and pumps stay links (so analyses can close them) and get a point symbol mid-way.
 */
export function epanetToPipes(
  network: EpanetNetwork,
  file: string,
  placement: EpanetPlacement,
  cover: number,
): { segments: PipeSegment[]; points: PipePoint[]; issues: FeatureIssue[] } {
  const issues: FeatureIssue[] = network.issues.map((i) => ({
    file,
    feature: i.element,
    code: i.code === 'DIAMETER_INVALID' ? 'DIAMETER_INVALID' : 'FEATURE_INVALID',
    message: `line ${i.line}: ${i.message}`,
  }));
  const withXY = network.nodes.filter((n) => n.x !== undefined && n.y !== undefined);
  const unit = network.units === 'US' ? 0.3048 : 1;
  let place: (x: number, y: number) => [number, number];
  if ('crs' in placement) {
    const out = new Float64Array(2);
    place = (x, y) => {
      placement.crs.toWgs84(x, y, out);
      return [out[0]!, out[1]!];
    };
  } else {
    const xs = withXY.map((n) => n.x!);
    const ys = withXY.map((n) => n.y!);
    const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
    const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
    const [lon0, lat0] = placement.origin;
    const scale = metresPerDegree(lat0);
    place = (x, y) => [lon0 + ((x - cx) * unit) / scale.lon, lat0 + ((y - cy) * unit) / scale.lat];
  }
  const points: PipePoint[] = [];
  const position = new Map<string, [number, number]>();
  network.nodes.forEach((node, index) => {
    if (node.x === undefined || node.y === undefined) {
      issues.push({ file, feature: node.id, code: 'GEOMETRY_MISSING', message: `node ${node.id} has no [COORDINATES]; it and its links are left out` });
      return;
    }
    const [lon, lat] = place(node.x, node.y);
    position.set(node.id, [lon, lat]);
    points.push({
      kind: 'point',
      id: node.id,
      origin: { file, index, id: node.id },
      category: 'JS',
      lon,
      lat,
      feature: NODE_LABELS[node.kind],
      appurtenance: undefined,
      groundElevation: node.elevation,
      depth: undefined,
      attributes: {
        epanetType: node.kind,
        elevation: node.elevation,
        ...(node.demand !== undefined ? { demand: node.demand, flowUnits: network.flowUnits } : {}),
      },
    });
  });
  const segments: PipeSegment[] = [];
  network.links.forEach((link, index) => {
    const from = position.get(link.from);
    const to = position.get(link.to);
    if (!from || !to) {
      issues.push({ file, feature: link.id, code: 'GEOMETRY_MISSING', message: `${link.kind} ${link.id} joins a node without coordinates` });
      return;
    }
    const path = [from, ...link.vertices.map(([x, y]) => place(x, y)), to];
    const diameter = link.diameter > 0 ? link.diameter : 0.3;
    segments.push({
      kind: 'segment',
      id: link.id,
      origin: { file, index, id: link.id },
      category: 'JS',
      subType: link.kind === 'pipe' ? 'JP' : undefined,
      fromPoint: link.from,
      toPoint: link.to,
      lonLat: Float64Array.from(path.flat()),
      startDepth: cover,
      endDepth: cover,
      diameter,
      width: undefined,
      height: undefined,
      material: undefined,
      missing: ['material', 'burial', 'owner', 'year'],
      attributes: {
        epanetType: link.kind,
        ...(link.kind === 'pipe' ? { modelLength: link.length, roughness: link.roughness ?? null, status: link.status ?? null } : {}),
        ...(link.valveType ? { valveType: link.valveType } : {}),
      },
    });
    if (link.kind !== 'pipe') {
      const mid = [(from[0] + to[0]) / 2, (from[1] + to[1]) / 2] as const;
      points.push({
        kind: 'point',
        id: `${link.kind}-${link.id}`,
        origin: { file, index, id: link.id },
        category: 'JS',
        lon: mid[0],
        lat: mid[1],
        feature: undefined,
        appurtenance: link.kind === 'valve' ? '阀门' : '泵站',
        groundElevation: undefined,
        depth: cover + diameter / 2,
        attributes: { epanetType: link.kind, link: link.id, ...(link.valveType ? { valveType: link.valveType } : {}) },
      });
    }
  });
  return { segments, points, issues };
}
