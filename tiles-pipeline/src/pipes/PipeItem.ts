import type { CapEnds } from '../../../workers/geometry/sweepTube.js';
import type { AttributeValue } from '../readers/SourceFeature.js';

/** The solids a pipe feature is drawn with: swept profiles along paths below (or above) ground. */
export interface PipeSolid {
  /** lon, lat, depth triples: depth in metres below ground (negative above). */
  path: Float64Array;
  profile: { type: 'circle'; radius: number } | { type: 'box'; width: number; height: number };
  /** Surface type for the per-vertex semantics (wall, roof = cover). */
  surface: number;
  caps: CapEnds;
  /**
   * A vertical cylinder (well shafts, covers, hydrants, valves, fittings): drawn as an instance
   * of one unit cylinder (EXT_mesh_gpu_instancing) instead of its own geometry.
   */
  instanced?: boolean;
}

/** One feature of a pipe tileset: a segment, a well, a valve, a hydrant, a fitting… */
export interface PipeItem {
  id: string;
  /** segment | well | valve | hydrant | grating | fitting | point */
  kind: string;
  category: string;
  solids: PipeSolid[];
  /** Built-in values for the property table (kind, category, diameter…); they win over inputs. */
  values: Record<string, AttributeValue>;
  /** The input attributes, shared with the feature they came from (not copied). */
  attributes: Record<string, AttributeValue>;
  bbox: [number, number, number, number];
  /** Deepest and highest point, metres below ground (for the region heights). */
  maxDepth: number;
  minDepth: number;
  importance: number;
  vertexCount: number;
}
