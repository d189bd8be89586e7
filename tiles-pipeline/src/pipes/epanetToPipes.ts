import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { Crs } from '../crs/Crs.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import { findCoordinateOutliers } from '../tiling/findCoordinateOutliers.js';
import { GROUND_ELEVATION_RANGE } from './normalizePipeFeature.js';
import type { EpanetNetwork } from './parseEpanet.js';
import type { PipePoint, PipeSegment } from './PipeFeatures.js';

export type EpanetPlacement = { crs: Crs } | { origin: [number, number] };

const NODE_LABELS = { junction: '节点', reservoir: '水源', tank: '水池' } as const;

/**
 * An EPANET water network as CJJ 61 water-supply (JS) segments and points. Placement: a CRS
 * for real coordinates, or an origin for schematic ones (their centre goes there, file units
 * turned into metres). EPANET has no depth: every pipe gets `cover` metres to its crown.
 * Valves and pumps stay links (so analyses can close them) and get a point symbol mid-way.
 * Counts: `written` nodes and links (one feature each), `derived` the pump and valve symbols.
 */
export function epanetToPipes(
  network: EpanetNetwork,
  file: string,
  placement: EpanetPlacement,
  cover: number,
): { segments: PipeSegment[]; points: PipePoint[]; issues: FeatureIssue[]; written: number; derived: number } {
  const issues: FeatureIssue[] = network.issues.map((i) => ({
    file,
    feature: i.element,
    code: i.code === 'DIAMETER_INVALID' ? 'DIAMETER_INVALID' : 'FEATURE_INVALID',
    message: `line ${i.line}: ${i.message}`,
  }));
  const unit = network.units === 'US' ? 0.3048 : 1;
  const position = placeNodes(network, placement, unit, file, issues);
  const points: PipePoint[] = [];
  network.nodes.forEach((node, index) => {
    if (node.x === undefined || node.y === undefined) {
      issues.push({ file, feature: node.id, code: 'GEOMETRY_MISSING', message: `node ${node.id} has no [COORDINATES]; it and its links are left out` });
      return;
    }
    const placed = position.get(node.id);
    if (!placed) return; // reported by placeNodes
    if (!(node.elevation >= GROUND_ELEVATION_RANGE.min && node.elevation <= GROUND_ELEVATION_RANGE.max)) {
      position.delete(node.id);
      issues.push({
        file,
        feature: node.id,
        code: 'ELEVATION_ABSURD',
        message: `node ${node.id} has elevation ${node.elevation} m, not a height on Earth (${GROUND_ELEVATION_RANGE.min}…${GROUND_ELEVATION_RANGE.max} m); it and its links are left out`,
      });
      return;
    }
    const [lon, lat] = placed;
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
  let derived = 0;
  network.links.forEach((link, index) => {
    const from = position.get(link.from);
    const to = position.get(link.to);
    if (!from || !to) {
      issues.push({ file, feature: link.id, code: 'GEOMETRY_MISSING', message: `${link.kind} ${link.id} joins a node left out (see its issue)` });
      return;
    }
    const path = [from, ...link.vertices.map(([x, y]) => position.place(x, y)), to];
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
      derived++;
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
  return { segments, points, issues, written: points.length - derived + segments.length, derived };
}

/** Where each node goes (lon, lat), with `place` for the links' vertices; nodes left out are reported. */
function placeNodes(
  network: EpanetNetwork,
  placement: EpanetPlacement,
  unit: number,
  file: string,
  issues: FeatureIssue[],
): Map<string, [number, number]> & { place: (x: number, y: number) => [number, number] } {
  const withXY = network.nodes.filter((n) => n.x !== undefined && n.y !== undefined);
  const out = new Float64Array(2);
  const toWgs84 = (x: number, y: number): [number, number] => {
    if ('crs' in placement) placement.crs.toWgs84(x, y, out);
    return [out[0]!, out[1]!];
  };
  // Outliers are judged in metres: file units for schematic coordinates, degrees scaled for a CRS.
  let lonLat: [number, number][] = [];
  let mx: Float64Array, my: Float64Array;
  if ('crs' in placement) {
    lonLat = withXY.map((n) => toWgs84(n.x!, n.y!));
    const lats = lonLat
      .map(([, lat]) => lat)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    const scale = metresPerDegree(lats[lats.length >> 1] ?? 0);
    mx = Float64Array.from(lonLat, ([lon]) => lon * scale.lon);
    my = Float64Array.from(lonLat, ([, lat]) => lat * scale.lat);
  } else {
    mx = Float64Array.from(withXY, (n) => n.x! * unit);
    my = Float64Array.from(withXY, (n) => n.y! * unit);
  }
  // Positions off the map (NaN from a projection) are reported below; the rest are judged together.
  const finite = withXY.map((_, i) => i).filter((i) => Number.isFinite(mx[i]) && Number.isFinite(my[i]));
  const outliers = findCoordinateOutliers(
    finite.map((i) => mx[i]!),
    finite.map((i) => my[i]!),
  );
  const rejected = new Set(outliers.indices.map((k) => finite[k]!));
  for (const k of outliers.indices) {
    const i = finite[k]!;
    const node = withXY[i]!;
    issues.push({
      file,
      feature: node.id,
      code: 'COORDINATE_OUTLIER',
      message:
        `node ${node.id} at (${node.x}, ${node.y}) lies ${Math.round(outliers.distances[k]! / 1000)} km from the network's median node ` +
        `(90% lie within ${Math.round(outliers.spread)} m): a typo or a unit error? It and its links are left out`,
    });
  }
  let place: (x: number, y: number) => [number, number] = toWgs84;
  if ('origin' in placement) {
    // The schematic's centre (of the nodes that are not outliers) goes to the origin.
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    withXY.forEach((n, i) => {
      if (rejected.has(i)) return;
      minX = Math.min(minX, n.x!);
      maxX = Math.max(maxX, n.x!);
      minY = Math.min(minY, n.y!);
      maxY = Math.max(maxY, n.y!);
    });
    const cx = (minX + maxX) / 2;
    const cy = (minY + maxY) / 2;
    const [lon0, lat0] = placement.origin;
    const scale = metresPerDegree(lat0);
    place = (x, y) => [lon0 + ((x - cx) * unit) / scale.lon, lat0 + ((y - cy) * unit) / scale.lat];
  }
  const positions = Object.assign(new Map<string, [number, number]>(), { place });
  withXY.forEach((node, i) => {
    if (rejected.has(i)) return;
    const [lon, lat] = 'crs' in placement ? lonLat[i]! : place(node.x!, node.y!);
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      issues.push({
        file,
        feature: node.id,
        code: 'COORDINATE_OUT_OF_RANGE',
        message: `node ${node.id} at (${node.x}, ${node.y}) is not on Earth (lon ${lon}, lat ${lat}): wrong --crs or --origin? It and its links are left out`,
      });
      return;
    }
    positions.set(node.id, [lon, lat]);
  });
  return positions;
}
