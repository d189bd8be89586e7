import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MeshoptDecoder } from 'meshoptimizer';
import { geodeticFromEcef, multiplyMatrices } from '../../../workers/geometry/geodesy.js';
import type { Tile, Tileset } from '../tileset/Tileset.js';
import { type Glb, readAccessor, readGlb } from './readGlb.js';

/** A finding, with the code the CesiumGS 3d-tiles-validator uses for its kind. */
export interface ValidationIssue {
  code: 'BOUNDING_VOLUMES_INCONSISTENT' | 'CONTENT_VALIDATION_ERROR';
  path: string;
  message: string;
}

const Y_UP_TO_Z_UP = Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1]);
/** Tolerance for content against its region: about 5 cm in angle, 5 cm in height. */
const ANGLE_TOLERANCE = 1e-8;
const HEIGHT_TOLERANCE = 0.05;

/**
 * The one check the official CesiumGS 3d-tiles-validator does not do (tests run that one on
 * every tileset they build): that every content vertex lies inside its tile's region and its
 * ancestors' (spatial coherence; the official validator compares a content's declared bounding
 * volume with its tile's, never the geometry). Positions are decoded (meshopt included) and
 * placed by the tile transforms, the glTF y-up axis and each EXT_mesh_gpu_instancing instance.
 * A content file that is missing or not a GLB is reported too, since it is read anyway. External
 * tilesets (a pipe tileset's categories) are followed.
 */
export async function checkContentInRegions(tilesetPath: string): Promise<ValidationIssue[]> {
  await MeshoptDecoder.ready;
  const issues: ValidationIssue[] = [];
  const add = (code: ValidationIssue['code'], path: string, message: string): void => {
    issues.push({ code, path, message });
  };
  const visitTileset = async (file: string, path: string, parentTransform: Float64Array, ancestors: number[][]): Promise<void> => {
    const tileset = JSON.parse(await readFile(file, 'utf8')) as Tileset;
    await visit(tileset.root, dirname(file), path, parentTransform, ancestors);
  };
  const visit = async (tile: Tile, base: string, path: string, parentTransform: Float64Array, ancestors: number[][]): Promise<void> => {
    const transform = tile.transform?.length === 16 ? multiplyMatrices(parentTransform, Float64Array.from(tile.transform)) : parentTransform;
    const region = tile.boundingVolume?.region;
    const volumes = region?.length === 6 ? [region, ...ancestors] : ancestors;
    if (tile.content?.uri.split('?')[0]!.endsWith('.json')) {
      // An external tileset (a pipe tileset's category): its tiles lie within this tile's region too.
      await visitTileset(join(base, tile.content.uri.split('?')[0]!), `${path}/content`, transform, volumes);
    } else if (tile.content) {
      const uri = tile.content.uri.split('?')[0]!;
      let glb: Glb | undefined;
      try {
        glb = readGlb(new Uint8Array(await readFile(join(base, uri))));
      } catch (error) {
        add('CONTENT_VALIDATION_ERROR', `${path}/content`, `${uri}: ${(error as Error).message}`);
      }
      if (glb) checkContent(glb, uri, `${path}/content`, transform, volumes, add);
    }
    for (const [i, child] of (tile.children ?? []).entries()) await visit(child, base, `${path}/children/${i}`, transform, volumes);
  };
  await visitTileset(tilesetPath, '/root', Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), []);
  return issues;
}

function checkContent(
  glb: Glb,
  uri: string,
  path: string,
  tileTransform: Float64Array,
  volumes: number[][],
  add: (code: ValidationIssue['code'], path: string, message: string) => void,
): void {
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
      // The pipeline writes none; if it ever does, this check must learn them first.
      if (instancing.attributes['ROTATION'] !== undefined) add('CONTENT_VALIDATION_ERROR', path, `${uri}: instance rotations are not handled by this check`);
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
    } else transforms.push(nodeWorld);
    for (const primitive of mesh.primitives) {
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
