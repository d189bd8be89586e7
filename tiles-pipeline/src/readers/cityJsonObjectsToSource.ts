import { GROUND, OTHER_SURFACE, ROOF, WALL } from '../../../workers/geometry/MeshAccumulator.js';
import type { FeatureIssue } from '../report/FeatureIssue.js';
import { toAttributes } from './geoJsonFeatureToSource.js';
import type { Attributes, ModelSurface, SourceFeature } from './SourceFeature.js';

export interface CityJsonTransform {
  scale: [number, number, number];
  translate: [number, number, number];
}

interface CityObject {
  type?: string;
  attributes?: Record<string, unknown>;
  geometry?: CityGeometry[];
  parents?: string[];
  children?: string[];
}

interface CityGeometry {
  type: string;
  lod?: string | number;
  boundaries: unknown;
  semantics?: { surfaces: { type?: string }[]; values: unknown };
}

const BUILDING_TYPES = new Set(['Building', 'BuildingPart']);
const SEMANTIC_TO_SURFACE: Record<string, number> = {
  RoofSurface: ROOF,
  WallSurface: WALL,
  GroundSurface: GROUND,
};

export interface CityJsonContext {
  file: string;
  vertices: unknown[];
  transform: CityJsonTransform | undefined;
  /** Requested LoD ("2.2", "2", "1.2"…); the highest available when undefined. */
  lod: string | undefined;
  /** Index of the first object in this batch, for stable feature indices across CityJSONSeq lines. */
  firstIndex: number;
}

/**
 * Turns the Building and BuildingPart objects of a CityJSON document (or one CityJSONFeature)
 * into 3D models with their semantic surfaces. A Building without geometry of its own is
 * represented by its parts, which inherit its attributes.
 */
export function cityJsonObjectsToSource(objects: Record<string, CityObject>, context: CityJsonContext): SourceFeature[] {
  const results: SourceFeature[] = [];
  let index = context.firstIndex;
  for (const [id, object] of Object.entries(objects)) {
    if (!object || typeof object.type !== 'string' || !BUILDING_TYPES.has(object.type)) continue;
    const featureIndex = index++;
    const geometries = (object.geometry ?? []).filter((g) => g && typeof g === 'object');
    if (geometries.length === 0) {
      const hasParts = (object.children ?? []).some((child) => objects[child]?.type === 'BuildingPart');
      if (!hasParts) results.push(issue(context.file, id, 'CITYJSON_NO_GEOMETRY', `${object.type} has no geometry and no BuildingPart children`));
      continue;
    }
    const chosen = chooseLod(geometries, context.lod);
    if (!chosen) {
      const available = geometries.map((g) => String(g.lod)).join(', ');
      results.push(issue(context.file, id, 'CITYJSON_NO_GEOMETRY', `no geometry at LoD ${context.lod ?? '?'} (available: ${available})`));
      continue;
    }
    const surfaces: ModelSurface[] = [];
    const problem = collectSurfaces(chosen, context, surfaces);
    if (problem) {
      results.push(issue(context.file, id, problem.code, problem.message));
      continue;
    }
    const attributes: Attributes = {};
    const parentId = object.parents?.[0];
    const parent = parentId !== undefined ? objects[parentId] : undefined;
    if (parent?.attributes) Object.assign(attributes, toAttributes(parent.attributes));
    Object.assign(attributes, toAttributes(object.attributes));
    attributes['cityObjectType'] = object.type;
    if (parentId !== undefined) attributes['parentId'] = parentId;
    results.push({
      kind: 'model',
      origin: { file: context.file, index: featureIndex, id },
      attributes,
      lod: String(chosen.lod),
      surfaces,
    });
  }
  return results;
}

function chooseLod(geometries: CityGeometry[], lod: string | undefined): CityGeometry | undefined {
  if (lod !== undefined) {
    return geometries.find((g) => String(g.lod) === lod) ?? geometries.find((g) => String(g.lod).split('.')[0] === lod);
  }
  let best: CityGeometry | undefined;
  for (const g of geometries) if (!best || Number(g.lod) > Number(best.lod)) best = g;
  return best;
}

type Problem = { code: 'CITYJSON_VERTEX_INDEX' | 'GEOMETRY_UNSUPPORTED' | 'CITYJSON_NO_GEOMETRY'; message: string };

function collectSurfaces(geometry: CityGeometry, context: CityJsonContext, out: ModelSurface[]): Problem | undefined {
  const semanticTypes = (geometry.semantics?.surfaces ?? []).map((s) => SEMANTIC_TO_SURFACE[s?.type ?? ''] ?? OTHER_SURFACE);
  // Depth of the surface arrays inside boundaries, per geometry type.
  const surfaceDepth: Record<string, number> = { MultiSurface: 1, CompositeSurface: 1, Solid: 2, MultiSolid: 3, CompositeSolid: 3 };
  const depth = surfaceDepth[geometry.type];
  if (depth === undefined) return { code: 'GEOMETRY_UNSUPPORTED', message: `CityJSON geometry type ${geometry.type} is not a building surface model` };
  let problem: Problem | undefined;
  const walk = (boundaries: unknown, values: unknown, level: number): void => {
    if (problem || !Array.isArray(boundaries)) return;
    if (level < depth) {
      boundaries.forEach((child, i) => walk(child, Array.isArray(values) ? values[i] : undefined, level + 1));
      return;
    }
    // boundaries is one surface: a list of rings of vertex indices.
    const rings: number[][][] = [];
    for (const ring of boundaries) {
      if (!Array.isArray(ring)) continue;
      const points: number[][] = [];
      for (const vi of ring) {
        const v = typeof vi === 'number' ? context.vertices[vi] : undefined;
        if (!Array.isArray(v) || v.length < 3) {
          problem = { code: 'CITYJSON_VERTEX_INDEX', message: `vertex index ${String(vi)} is out of range (the file has ${context.vertices.length} vertices)` };
          return;
        }
        const t = context.transform;
        const x = Number(v[0]),
          y = Number(v[1]),
          z = Number(v[2]);
        points.push(t ? [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1], z * t.scale[2] + t.translate[2]] : [x, y, z]);
      }
      rings.push(points);
    }
    const semantic = typeof values === 'number' ? (semanticTypes[values] ?? OTHER_SURFACE) : OTHER_SURFACE;
    if (rings.length > 0) out.push({ rings, surface: semantic });
  };
  walk(geometry.boundaries, geometry.semantics?.values, 0);
  if (problem) return problem;
  if (out.length === 0) return { code: 'CITYJSON_NO_GEOMETRY', message: `the LoD ${String(geometry.lod)} ${geometry.type} has no surfaces` };
  return undefined;
}

function issue(file: string, feature: string, code: FeatureIssue['code'], message: string): SourceFeature {
  return { kind: 'issue', issue: { file, feature, code, message } };
}
