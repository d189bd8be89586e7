import { PIPE_CLASS } from '../metadata/FeatureClass.js';
import { enuToEcefMatrix, geodeticToLocal, invertRigid } from '../../../workers/geometry/geodesy.js';
import { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';
import { circleProfile, type Profile, rectangleProfile, sweepProfile, tubeSegmentsForDiameter } from '../../../workers/geometry/sweepTube.js';
import type { Compression } from '../gltf/Compression.js';
import { buildTileGlb } from '../gltf/buildTileGlb.js';
import type { InstanceGroup } from '../gltf/InstanceGroup.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';
import type { EncodedTable } from '../metadata/encodePropertyTable.js';
import { CJJ61_CATEGORIES } from '../../../workers/standards/cjj61Categories.js';
import type { PipeItem } from './PipeItem.js';

const COLOURS = new Map(CJJ61_CATEGORIES.map((c) => [c.code, c.rgb]));
const OTHER_COLOUR: readonly [number, number, number] = [102, 0, 204];

/** Numbers per solid in PackedPipeTile.solids: first vertex, vertices, feature, profile, size, height, surface, flags, colour. */
const SOLID_STRIDE = 9;
const CIRCLE = 0;
const BOX = 1;
const CAP_START = 1;
const CAP_END = 2;
const INSTANCED = 4;

/**
 * One tile's solids as two flat arrays, so a tile crosses to a worker thread by transfer, not
 * by cloning thousands of objects: `paths` holds lon, lat, depth of every solid's path back to
 * back; `solids` SOLID_STRIDE numbers per solid.
 */
export interface PackedPipeTile {
  paths: Float64Array;
  solids: Float64Array;
}

/** Packs the tile's features' solids (feature id = index in `items`, as in the property table). */
export function packPipeTile(items: readonly PipeItem[]): PackedPipeTile {
  let vertices = 0;
  let solidCount = 0;
  for (const item of items) {
    solidCount += item.solids.length;
    for (const solid of item.solids) vertices += solid.path.length / 3;
  }
  const paths = new Float64Array(vertices * 3);
  const solids = new Float64Array(solidCount * SOLID_STRIDE);
  let v = 0;
  let s = 0;
  items.forEach((item, featureId) => {
    const [r, g, b] = COLOURS.get(item.category) ?? OTHER_COLOUR;
    for (const solid of item.solids) {
      const n = solid.path.length / 3;
      paths.set(solid.path, v * 3);
      const [capStart, capEnd] = typeof solid.caps === 'boolean' ? [solid.caps, solid.caps] : solid.caps;
      const box = solid.profile.type === 'box';
      solids[s] = v;
      solids[s + 1] = n;
      solids[s + 2] = featureId;
      solids[s + 3] = box ? BOX : CIRCLE;
      solids[s + 4] = solid.profile.type === 'box' ? solid.profile.width : solid.profile.radius;
      solids[s + 5] = solid.profile.type === 'box' ? solid.profile.height : 0;
      solids[s + 6] = solid.surface;
      solids[s + 7] = (capStart ? CAP_START : 0) | (capEnd ? CAP_END : 0) | (solid.instanced ? INSTANCED : 0);
      solids[s + 8] = (r << 16) | (g << 8) | b;
      v += n;
      s += SOLID_STRIDE;
    }
  });
  return { paths, solids };
}

/**
 * One tile of pipes as GLB: solids swept in the tile's ENU frame, coloured by CJJ 61 category;
 * vertical cylinders (wells, valves, hydrants, fittings) as instances of one unit cylinder.
 */
export function buildPipeTileGlb(
  tile: PackedPipeTile,
  centerLon: number,
  centerLat: number,
  definitions: readonly PropertyDefinition[],
  table: EncodedTable,
  compression: Compression,
): { glb: Uint8Array; vertices: number; triangles: number } {
  const ecefToLocal = invertRigid(enuToEcefMatrix(centerLon, centerLat, 0));
  // The paths are depths below the (ellipsoid-level) ground: heights are their negatives.
  const geodetic = Float64Array.from(tile.paths);
  for (let i = 2; i < geodetic.length; i += 3) geodetic[i] = -geodetic[i]!;
  const local = new Float64Array(geodetic.length);
  geodeticToLocal(geodetic, ecefToLocal, local);

  const solids = tile.solids;
  let expected = 0;
  for (let s = 0; s < solids.length; s += SOLID_STRIDE) if ((solids[s + 7]! & INSTANCED) === 0) expected += (solids[s + 1]! + 2) * 16;
  const mesh = new MeshAccumulator(expected);
  const profiles = new Map<string, Profile>();
  const groups = new Map<string, { rgb: [number, number, number]; surface: number; translations: number[]; scales: number[]; featureIds: number[] }>();
  for (let s = 0; s < solids.length; s += SOLID_STRIDE) {
    const first = solids[s]!;
    const n = solids[s + 1]!;
    const featureId = solids[s + 2]!;
    const size = solids[s + 4]!;
    const surface = solids[s + 6]!;
    const flags = solids[s + 7]!;
    const rgb = solids[s + 8]!;
    const r = rgb >> 16;
    const g = (rgb >> 8) & 255;
    const b = rgb & 255;
    const path = local.subarray(first * 3, (first + n) * 3);
    if (flags & INSTANCED && solids[s + 3] === CIRCLE && n === 2) {
      // A vertical cylinder: one instance of the unit cylinder, from its lower end up.
      const lower = path[2]! <= path[5]! ? 0 : 3;
      const height = Math.abs(path[5]! - path[2]!);
      const key = `${r},${g},${b}|${surface}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { rgb: [r, g, b], surface, translations: [], scales: [], featureIds: [] }));
      group.translations.push(path[lower]!, path[lower + 1]!, path[lower + 2]!);
      group.scales.push(size, size, Math.max(height, 0.001));
      group.featureIds.push(featureId);
      continue;
    }
    const box = solids[s + 3] === BOX;
    const profileKey = `${box ? 'b' : 'c'}${size},${solids[s + 5]}`;
    let profile = profiles.get(profileKey);
    if (!profile) {
      profile = box ? rectangleProfile(size, solids[s + 5]!) : circleProfile(size, tubeSegmentsForDiameter(size * 2));
      profiles.set(profileKey, profile);
    }
    mesh.setColor(r, g, b);
    sweepProfile(mesh, path, profile, featureId, surface, [(flags & CAP_START) !== 0, (flags & CAP_END) !== 0]);
  }
  // Groups in a stable order (by key), so tiles stay byte-identical.
  const instances: InstanceGroup[] = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => ({
      rgb: g.rgb,
      surface: g.surface,
      translations: Float32Array.from(g.translations),
      scales: Float32Array.from(g.scales),
      featureIds: Float32Array.from(g.featureIds),
    }));
  const glb = buildTileGlb({ mesh, definitions, featureClass: PIPE_CLASS, table, compression, reorder: false, instances });
  return { glb, vertices: mesh.vertexCount, triangles: mesh.indexCount / 3 };
}
