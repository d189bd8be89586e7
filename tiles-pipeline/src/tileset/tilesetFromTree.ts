import { enuToEcefMatrix, invertRigid, multiplyMatrices } from '../../../workers/geometry/geodesy.js';
import type { TileNode } from '../tiling/TileNode.js';
import type { Tile, Tileset } from './Tileset.js';

const DEG = Math.PI / 180;
/** Margin around regions: covers 16-bit quantisation of positions (cm) with room to spare. */
const REGION_MARGIN_RADIANS = 2e-7;
const HEIGHT_MARGIN = 0.5;

export interface TileContentInfo {
  /** Content bounds: [west, south, east, north] degrees, heights in metres. */
  bbox: [number, number, number, number];
  minHeight: number;
  maxHeight: number;
  /** The ENU origin the content was built in. */
  centerLon: number;
  centerLat: number;
  uri: string;
}

/**
 * tileset.json from the tile tree: regions (radians) that contain the tile's own content and
 * all its descendants', ENU transforms per tile expressed relative to the parent (3D Tiles
 * chains transforms), additive refinement, geometric errors from the tree.
 */
export function tilesetFromTree(root: TileNode, contents: Map<string, TileContentInfo>, generator: string, schema?: object): Tileset {
  const rootTile = toTile(root, contents, undefined);
  const [west, south, east, north] = rootTile.boundingVolume.region!;
  const diagonal = Math.hypot((east! - west!) * 6378137 * Math.cos((south! + north!) / 2), (north! - south!) * 6378137);
  rootTile.refine = 'ADD';
  return {
    asset: { version: '1.1', generator },
    ...(schema ? { schema } : {}),
    geometricError: Math.max(diagonal, root.geometricError * 2, 1),
    root: rootTile,
  };
}

function toTile(node: TileNode, contents: Map<string, TileContentInfo>, parentWorld: Float64Array | undefined): Tile {
  const info = contents.get(node.path);
  let world: Float64Array | undefined;
  const tile: Tile = { boundingVolume: {}, geometricError: round(node.geometricError) };
  if (info) {
    world = enuToEcefMatrix(info.centerLon, info.centerLat, 0);
    const relative = parentWorld ? multiplyMatrices(invertRigid(parentWorld), world) : world;
    tile.transform = Array.from(relative, (v) => round(v, 1e9));
    tile.content = { uri: info.uri };
  }
  const children = node.children.map((child) => toTile(child, contents, world ?? parentWorld));
  let region = info ? regionOf(info) : undefined;
  for (const child of children) region = union(region, child.boundingVolume.region!);
  if (!region) throw new Error(`tile "${node.path}" has neither content nor children`);
  tile.boundingVolume = { region: region.map((v, i) => (i < 4 ? v : round(v, 1e3))) };
  if (children.length > 0) tile.children = children;
  return tile;
}

function regionOf(info: TileContentInfo): number[] {
  const [w, s, e, n] = info.bbox;
  return [
    w * DEG - REGION_MARGIN_RADIANS,
    s * DEG - REGION_MARGIN_RADIANS,
    e * DEG + REGION_MARGIN_RADIANS,
    n * DEG + REGION_MARGIN_RADIANS,
    info.minHeight - HEIGHT_MARGIN,
    info.maxHeight + HEIGHT_MARGIN,
  ];
}

function union(a: number[] | undefined, b: number[]): number[] {
  if (!a) return [...b];
  return [Math.min(a[0]!, b[0]!), Math.min(a[1]!, b[1]!), Math.max(a[2]!, b[2]!), Math.max(a[3]!, b[3]!), Math.min(a[4]!, b[4]!), Math.max(a[5]!, b[5]!)];
}

/** Rounds for stable, compact JSON (no -0, limited digits). */
function round(value: number, factor = 1e6): number {
  const r = Math.round(value * factor) / factor;
  return r === 0 ? 0 : r;
}
