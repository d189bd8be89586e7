import { metresPerDegree } from '../../../workers/geometry/geodesy.js';
import type { TileNode } from './TileNode.js';

/** Per-building columns the tiler works on (everything else stays in the spool). */
export interface TilingColumns {
  lon: Float64Array;
  lat: Float64Array;
  importance: Float32Array;
  /** Vertices each building produces. */
  weight: Uint32Array;
  count: number;
}

export interface TilingOptions {
  /** At most this many buildings in a tile. */
  maxFeatures: number;
  /** At most this many vertices in a tile (keeps LoD2 tiles within a byte budget). */
  maxVertices: number;
  /** Share of a parent tile's budget given to its own, most important buildings. */
  parentShare: number;
  /**
   * Metres a tile's content may span (feature centres, east–west or north–south; default
   * DEFAULT_TILING's). Positions are quantised to 16 bits over a tile: 20 km keeps them within
   * ±15 cm, where one building 1000 km from the rest used to shift its tile-mates by metres.
   */
  maxExtent?: number;
}

export const DEFAULT_TILING: TilingOptions = { maxFeatures: 800, maxVertices: 250_000, parentShare: 0.5, maxExtent: 20_000 };

/**
 * Additive ("ADD") level-of-detail hierarchy over buildings: every building is in exactly one
 * tile. A tile keeps its most important buildings (tallest / largest) and hands the rest to
 * four children split at the medians (a k-d split, so dense and sparse areas get balanced
 * tiles). A tile's geometric error is the size of the largest building it leaves to its
 * children, hence never smaller than any child's; leaves have 0. Ties break on input order,
 * so the tree depends only on the input.
 */
export function buildTileTree(columns: TilingColumns, options: TilingOptions = DEFAULT_TILING): TileNode {
  const all = Array.from({ length: columns.count }, (_, i) => i);
  return build(all, '', columns, options);
}

function build(indices: number[], path: string, columns: TilingColumns, options: TilingOptions): TileNode {
  let weight = 0;
  for (const i of indices) weight += columns.weight[i]!;
  if (indices.length > 1) {
    const wide = splitIfWide(indices, columns, options.maxExtent ?? DEFAULT_TILING.maxExtent!);
    if (wide) {
      // Too wide to share one tile frame: no content of its own, children split by space, so
      // a far-off feature (a typo 1000 km away) ends up in a tile of its own at once.
      let geometricError = 0;
      for (const i of indices) geometricError = Math.max(geometricError, columns.importance[i]!);
      indices.length = 0;
      const children = wide.filter((part) => part.length > 0).map((part, q) => build(part, path + String(q), columns, options));
      return { path, content: [], children, geometricError };
    }
  }
  if ((indices.length <= options.maxFeatures && weight <= options.maxVertices) || indices.length <= 1) {
    return { path, content: [...indices].sort((a, b) => a - b), children: [], geometricError: 0 };
  }
  const byImportance = [...indices].sort((a, b) => columns.importance[b]! - columns.importance[a]! || a - b);
  const ownFeatures = Math.max(1, Math.floor(options.maxFeatures * options.parentShare));
  const ownVertices = options.maxVertices * options.parentShare;
  const content: number[] = [];
  let ownWeight = 0;
  let k = 0;
  while (k < byImportance.length - 1 && content.length < ownFeatures) {
    const i = byImportance[k]!;
    if (content.length > 0 && ownWeight + columns.weight[i]! > ownVertices) break;
    content.push(i);
    ownWeight += columns.weight[i]!;
    k++;
  }
  const rest = byImportance.slice(k);
  const geometricError = columns.importance[rest[0]!]!;
  const parts = splitInFour(rest, columns);
  // Release this level's index arrays before descending: at a million buildings the copies
  // held by every level of the recursion would otherwise add up to hundreds of megabytes.
  indices.length = 0;
  byImportance.length = 0;
  rest.length = 0;
  const children = parts.filter((part) => part.length > 0).map((part, q) => build(part, path + String(q), columns, options));
  // Children's errors can exceed the parent's only through float32 ties; clamp for consistency.
  for (const child of children) child.geometricError = Math.min(child.geometricError, geometricError);
  return { path, content: content.sort((a, b) => a - b), children, geometricError };
}

function splitInFour(indices: number[], columns: TilingColumns): number[][] {
  const byLon = [...indices].sort((a, b) => columns.lon[a]! - columns.lon[b]! || a - b);
  const half = Math.ceil(byLon.length / 2);
  const parts: number[][] = [];
  for (const side of [byLon.slice(0, half), byLon.slice(half)]) {
    const byLat = side.sort((a, b) => columns.lat[a]! - columns.lat[b]! || a - b);
    const mid = Math.ceil(byLat.length / 2);
    parts.push(byLat.slice(0, mid), byLat.slice(mid));
  }
  return parts;
}

/** Four quadrants split at the middle of the extent when the features span more than `maxExtent` metres; else undefined. */
function splitIfWide(indices: readonly number[], columns: TilingColumns, maxExtent: number): number[][] | undefined {
  let west = Infinity,
    east = -Infinity,
    south = Infinity,
    north = -Infinity;
  for (const i of indices) {
    const lon = columns.lon[i]!,
      lat = columns.lat[i]!;
    if (lon < west) west = lon;
    if (lon > east) east = lon;
    if (lat < south) south = lat;
    if (lat > north) north = lat;
  }
  const scale = metresPerDegree((south + north) / 2);
  if ((east - west) * scale.lon <= maxExtent && (north - south) * scale.lat <= maxExtent) return undefined;
  const midLon = (west + east) / 2;
  const midLat = (south + north) / 2;
  const parts: number[][] = [[], [], [], []];
  for (const i of indices) parts[(columns.lon[i]! > midLon ? 2 : 0) + (columns.lat[i]! > midLat ? 1 : 0)]!.push(i);
  return parts;
}
