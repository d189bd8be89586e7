import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MeshoptDecoder } from 'meshoptimizer';
import type { Tile, Tileset } from '../../tiles-pipeline/src/tileset/Tileset.js';
import { readAccessor, readGlb } from '../../tiles-pipeline/src/validation/readGlb.js';
import { geodeticFromEcef, multiplyMatrices } from '../../workers/geometry/geodesy.js';

/** glTF is y-up; the tiles' frames are z-up (3D Tiles' y-up to z-up rotation). */
const Y_UP_TO_Z_UP = Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1]);
const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

/**
 * Where a tileset's mesh vertices end up on Earth: [lon, lat, height] per vertex of every
 * content tile (meshopt decoded, tile transforms chained, node matrices applied), with the
 * tile's path. For tests that check positions survive tiling; instanced meshes are left out.
 */
export async function tilesetVertices(tilesetPath: string): Promise<{ tile: string; lonLatHeight: number[][] }[]> {
  await MeshoptDecoder.ready;
  const tileset = JSON.parse(readFileSync(tilesetPath, 'utf8')) as Tileset;
  const out: { tile: string; lonLatHeight: number[][] }[] = [];
  const visit = (tile: Tile, path: string, parent: Float64Array): void => {
    const transform = tile.transform?.length === 16 ? multiplyMatrices(parent, Float64Array.from(tile.transform)) : parent;
    if (tile.content) {
      const glb = readGlb(new Uint8Array(readFileSync(join(dirname(tilesetPath), tile.content.uri))));
      const lonLatHeight: number[][] = [];
      for (const node of glb.json.nodes ?? []) {
        if (node.mesh === undefined || node.extensions?.['EXT_mesh_gpu_instancing']) continue;
        const m = multiplyMatrices(transform, multiplyMatrices(Y_UP_TO_Z_UP, Float64Array.from(node.matrix ?? IDENTITY)));
        for (const primitive of glb.json.meshes![node.mesh]!.primitives) {
          const p = readAccessor(glb, primitive.attributes['POSITION']!);
          for (let i = 0; i < p.length; i += 3) {
            const [x, y, z] = [p[i]!, p[i + 1]!, p[i + 2]!];
            lonLatHeight.push(
              geodeticFromEcef(
                m[0]! * x + m[4]! * y + m[8]! * z + m[12]!,
                m[1]! * x + m[5]! * y + m[9]! * z + m[13]!,
                m[2]! * x + m[6]! * y + m[10]! * z + m[14]!,
              ),
            );
          }
        }
      }
      out.push({ tile: path, lonLatHeight });
    }
    (tile.children ?? []).forEach((child, i) => visit(child, `${path}/${i}`, transform));
  };
  visit(tileset.root, 'root', Float64Array.from(IDENTITY));
  return out;
}
