import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MeshoptDecoder } from 'meshoptimizer';
import { geodeticFromEcef, multiplyMatrices } from '../../../workers/geometry/geodesy.js';
import type { Tile, Tileset } from '../tileset/Tileset.js';
import { type Glb, readAccessor, readGlb } from './readGlb.js';

/** A finding, with the codes of CesiumGS/3d-tiles-validator where it has one. */
export interface ValidationIssue {
  code: string;
  severity: 'ERROR' | 'WARNING';
  path: string;
  message: string;
}

const Y_UP_TO_Z_UP = Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1]);
/** Tolerance for content against its region: about 5 cm in angle, 5 cm in height. */
const ANGLE_TOLERANCE = 1e-8;
const HEIGHT_TOLERANCE = 0.05;
const KNOWN_GLTF_EXTENSIONS = new Set([
  'EXT_meshopt_compression',
  'KHR_mesh_quantization',
  'KHR_draco_mesh_compression',
  'EXT_mesh_features',
  'EXT_structural_metadata',
  'KHR_materials_unlit',
  'EXT_instance_features',
  'EXT_mesh_gpu_instancing',
]);

/**
 * The key semantic checks of the 3D Tiles validator, ported: asset version, refine case,
 * geometric errors non-increasing from parent to child, bounding volumes well formed,
 * transforms affine, extensions declared, and every content vertex inside its tile's region
 * and its ancestors' (spatial coherence), decoding meshopt-compressed positions to check.
 * Plus the glb's metadata bookkeeping (feature count = property table rows).
 */
export async function validateTileset(tilesetPath: string): Promise<ValidationIssue[]> {
  await MeshoptDecoder.ready;
  const issues: ValidationIssue[] = [];
  const add = (code: string, path: string, message: string, severity: ValidationIssue['severity'] = 'ERROR'): void => {
    issues.push({ code, severity, path, message });
  };
  const bytes = await readFile(tilesetPath);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) add('JSON_PARSE_ERROR', '', 'tileset.json starts with a BOM (must be UTF-8 without BOM)');
  const tileset = JSON.parse(bytes.toString('utf8')) as Tileset;
  if (tileset.asset?.version !== '1.1' && tileset.asset?.version !== '1.0')
    add('ASSET_VERSION_UNKNOWN', '/asset/version', `unknown version ${String(tileset.asset?.version)}`);
  if (!(tileset.geometricError >= 0)) add('PROPERTY_MISSING', '/geometricError', 'top-level geometricError must be a non-negative number');
  for (const required of tileset.extensionsRequired ?? []) {
    if (!(tileset.extensionsUsed ?? []).includes(required))
      add('EXTENSION_REQUIRED_BUT_NOT_USED', '/extensionsRequired', `${required} is required but not in extensionsUsed`);
  }
  if (tileset.root.refine === undefined) add('TILE_REFINE_MISSING_IN_ROOT', '/root', 'the root tile must have refine');
  if (tileset.root.geometricError > tileset.geometricError)
    add('TILE_GEOMETRIC_ERRORS_INCONSISTENT', '/root', 'the root geometricError exceeds the tileset geometricError');
  const base = dirname(tilesetPath);

  const visit = async (tile: Tile, path: string, parentTransform: Float64Array, ancestors: number[][]): Promise<void> => {
    if (tile.refine !== undefined && tile.refine !== 'ADD' && tile.refine !== 'REPLACE') {
      add(/^(add|replace)$/i.test(tile.refine) ? 'TILE_REFINE_WRONG_CASE' : 'TILE_REFINE_INVALID', `${path}/refine`, `refine is "${tile.refine}"`);
    }
    if (!(tile.geometricError >= 0)) add('PROPERTY_MISSING', `${path}/geometricError`, 'geometricError must be a non-negative number');
    let transform = parentTransform;
    if (tile.transform !== undefined) {
      const t = tile.transform;
      if (t.length !== 16 || t.some((v) => !Number.isFinite(v)) || t[3] !== 0 || t[7] !== 0 || t[11] !== 0 || t[15] !== 1) {
        add('TRANSFORM_INVALID', `${path}/transform`, 'transform must be 16 finite numbers of an affine matrix');
      } else transform = multiplyMatrices(parentTransform, Float64Array.from(t));
    }
    const region = tile.boundingVolume?.region;
    if (!region) add('BOUNDING_VOLUME_INVALID', `${path}/boundingVolume`, 'only regions are produced and checked here');
    else checkRegion(region, `${path}/boundingVolume/region`, add);
    const volumes = region ? [region, ...ancestors] : ancestors;
    if (tile.content) {
      const uri = tile.content.uri.split('?')[0]!;
      let glb: Glb | undefined;
      try {
        glb = readGlb(new Uint8Array(await readFile(join(base, uri))));
      } catch (error) {
        add('CONTENT_VALIDATION_ERROR', `${path}/content`, `${uri}: ${(error as Error).message}`);
      }
      if (glb) checkContent(glb, uri, `${path}/content`, transform, volumes, add);
    }
    for (const [i, child] of (tile.children ?? []).entries()) {
      if (child.geometricError > tile.geometricError) {
        add('TILE_GEOMETRIC_ERRORS_INCONSISTENT', `${path}/children/${i}`, `child geometricError ${child.geometricError} > parent ${tile.geometricError}`);
      }
      await visit(child, `${path}/children/${i}`, transform, volumes);
    }
  };
  await visit(tileset.root, '/root', Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), []);
  return issues;
}

function checkRegion(region: number[], path: string, add: (code: string, path: string, message: string) => void): void {
  const [west, south, east, north, minH, maxH] = region;
  if (region.length !== 6 || region.some((v) => !Number.isFinite(v))) return add('BOUNDING_VOLUME_INVALID', path, 'a region is 6 finite numbers');
  if (west! < -Math.PI || east! > Math.PI || south! < -Math.PI / 2 || north! > Math.PI / 2)
    add('BOUNDING_VOLUME_INVALID', path, 'region out of range (radians)');
  if (south! > north!) add('BOUNDING_VOLUME_INVALID', path, 'south > north');
  if (minH! > maxH!) add('BOUNDING_VOLUME_INVALID', path, 'minimum height > maximum height');
  if (west! > east!) add('BOUNDING_VOLUME_INVALID', path, 'west > east (antimeridian regions are not produced here)');
}

function checkContent(
  glb: Glb,
  uri: string,
  path: string,
  tileTransform: Float64Array,
  volumes: number[][],
  add: (code: string, path: string, message: string, severity?: ValidationIssue['severity']) => void,
): void {
  const used = new Set(glb.json.extensionsUsed ?? []);
  for (const required of glb.json.extensionsRequired ?? [])
    if (!used.has(required)) add('EXTENSION_REQUIRED_BUT_NOT_USED', path, `${uri}: ${required} required but not used`);
  for (const extension of used)
    if (!KNOWN_GLTF_EXTENSIONS.has(extension)) add('EXTENSION_NOT_SUPPORTED', path, `${uri}: unknown extension ${extension}`, 'WARNING');
  const metadata = glb.json.extensions?.['EXT_structural_metadata'] as { propertyTables?: { count: number }[] } | undefined;
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  let reported = 0;
  const checkPoint = (m: Float64Array, x: number, y: number, z: number, what: string): void => {
    const ex = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
    const ey = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
    const ez = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
    const [lon, lat, height] = geodeticFromEcef(ex, ey, ez);
    const lonR = (lon * Math.PI) / 180;
    const latR = (lat * Math.PI) / 180;
    for (const [level, region] of volumes.entries()) {
      const [w, s, e, n, h0, h1] = region as [number, number, number, number, number, number];
      const outside =
        lonR < w - ANGLE_TOLERANCE ||
        lonR > e + ANGLE_TOLERANCE ||
        latR < s - ANGLE_TOLERANCE ||
        latR > n + ANGLE_TOLERANCE ||
        height < h0 - HEIGHT_TOLERANCE ||
        height > h1 + HEIGHT_TOLERANCE;
      if (outside) {
        add(
          'BOUNDING_VOLUMES_INCONSISTENT',
          path,
          `${uri}: ${what} (${lon.toFixed(7)}, ${lat.toFixed(7)}, ${height.toFixed(2)} m) is outside the ${level === 0 ? "tile's" : `level -${level} ancestor's`} region`,
        );
        reported++;
        return;
      }
    }
  };
  const checkFeatureIds = (set: { featureCount: number; propertyTable?: number }, ids: Float64Array | undefined): void => {
    if (set.propertyTable !== undefined) {
      const table = metadata?.propertyTables?.[set.propertyTable];
      if (!table) add('METADATA_INVALID', path, `${uri}: feature ids refer to a missing property table ${set.propertyTable}`);
      else if (table.count !== set.featureCount)
        add('METADATA_INVALID', path, `${uri}: featureCount ${set.featureCount} but property table has ${table.count} rows`);
    }
    const max = ids ? ids.reduce((m, v) => Math.max(m, v), -1) : -1;
    if (max >= set.featureCount) add('METADATA_INVALID', path, `${uri}: feature id ${max} >= featureCount ${set.featureCount}`);
  };
  for (const node of glb.json.nodes ?? []) {
    if (node.mesh === undefined) continue;
    const mesh = glb.json.meshes?.[node.mesh];
    if (!mesh) {
      add('CONTENT_VALIDATION_ERROR', path, `${uri}: node refers to a missing mesh ${node.mesh}`);
      continue;
    }
    const nodeWorld = multiplyMatrices(tileTransform, multiplyMatrices(Y_UP_TO_Z_UP, Float64Array.from(node.matrix ?? identity)));
    // EXT_mesh_gpu_instancing: one transform per instance (translation and scale; no rotation is written).
    const instancing = node.extensions?.['EXT_mesh_gpu_instancing'] as { attributes: Record<string, number> } | undefined;
    const transforms: Float64Array[] = [];
    if (instancing) {
      const t = instancing.attributes['TRANSLATION'] !== undefined ? readAccessor(glb, instancing.attributes['TRANSLATION']) : undefined;
      const sc = instancing.attributes['SCALE'] !== undefined ? readAccessor(glb, instancing.attributes['SCALE']) : undefined;
      if (instancing.attributes['ROTATION'] !== undefined) add('EXTENSION_NOT_SUPPORTED', path, `${uri}: instance rotations are not checked`, 'WARNING');
      const count = (t?.length ?? sc?.length ?? 0) / 3;
      for (let i = 0; i < count; i++) {
        const local = Float64Array.from([
          sc?.[i * 3] ?? 1,
          0,
          0,
          0,
          0,
          sc?.[i * 3 + 1] ?? 1,
          0,
          0,
          0,
          0,
          sc?.[i * 3 + 2] ?? 1,
          0,
          t?.[i * 3] ?? 0,
          t?.[i * 3 + 1] ?? 0,
          t?.[i * 3 + 2] ?? 0,
          1,
        ]);
        transforms.push(multiplyMatrices(nodeWorld, local));
      }
      const instanceFeatures = node.extensions?.['EXT_instance_features'] as
        { featureIds: { featureCount: number; propertyTable?: number; attribute?: number }[] } | undefined;
      for (const set of instanceFeatures?.featureIds ?? []) {
        const accessor = set.attribute !== undefined ? instancing.attributes[`_FEATURE_ID_${set.attribute}`] : undefined;
        checkFeatureIds(set, accessor !== undefined ? readAccessor(glb, accessor) : undefined);
      }
    } else transforms.push(nodeWorld);
    for (const primitive of mesh.primitives) {
      const features = primitive.extensions?.['EXT_mesh_features'] as
        { featureIds: { featureCount: number; propertyTable?: number; attribute?: number }[] } | undefined;
      for (const set of features?.featureIds ?? []) {
        const accessor = set.attribute !== undefined ? primitive.attributes[`_FEATURE_ID_${set.attribute}`] : undefined;
        checkFeatureIds(set, accessor !== undefined ? readAccessor(glb, accessor) : undefined);
      }
      if (primitive.extensions?.['KHR_draco_mesh_compression']) continue; // positions not decoded here
      const positions = readAccessor(glb, primitive.attributes['POSITION']!);
      for (const [k, m] of transforms.entries()) {
        for (let i = 0; i < positions.length && reported < 3; i += 3) {
          checkPoint(m, positions[i]!, positions[i + 1]!, positions[i + 2]!, instancing ? `instance ${k} vertex ${i / 3}` : `vertex ${i / 3}`);
        }
      }
    }
  }
}
