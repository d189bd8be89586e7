import { enuToEcefMatrix, geodeticToLocal, invertRigid } from '../../../workers/geometry/geodesy.js';
import { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';
import { circleProfile, rectangleProfile, sweepProfile, tubeSegmentsForDiameter } from '../../../workers/geometry/sweepTube.js';
import type { Compression } from '../gltf/Compression.js';
import { buildTileGlb } from '../gltf/buildTileGlb.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';
import type { AttributeValue } from '../readers/SourceFeature.js';
import type { TileContentResult } from '../tiling/TileContentResult.js';
import { CJJ61_CATEGORIES } from './cjj61Categories.js';
import type { PipeItem } from './PipeItem.js';

const COLOURS = new Map(CJJ61_CATEGORIES.map((c) => [c.code, c.rgb]));

/** One tile of pipes: solids swept in the tile's ENU frame, coloured by CJJ 61 category. */
export function buildPipeTileContent(
  items: readonly PipeItem[],
  centerLon: number,
  centerLat: number,
  definitions: readonly PropertyDefinition[],
  compression: Compression,
): TileContentResult {
  const ecefToLocal = invertRigid(enuToEcefMatrix(centerLon, centerLat, 0));
  const mesh = new MeshAccumulator(items.reduce((sum, item) => sum + item.vertexCount, 0));
  const rows: AttributeValue[][] = [];
  let minHeight = Infinity;
  let maxHeight = -Infinity;
  items.forEach((item, featureId) => {
    const [r, g, b] = COLOURS.get(item.category) ?? [102, 0, 204];
    mesh.setColor(r, g, b);
    for (const solid of item.solids) {
      const n = solid.path.length / 3;
      const geodetic = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        geodetic[i * 3] = solid.path[i * 3]!;
        geodetic[i * 3 + 1] = solid.path[i * 3 + 1]!;
        geodetic[i * 3 + 2] = -solid.path[i * 3 + 2]!; // depth below the (ellipsoid-level) ground
      }
      const local = new Float64Array(n * 3);
      geodeticToLocal(geodetic, ecefToLocal, local);
      const profile =
        solid.profile.type === 'circle'
          ? circleProfile(solid.profile.radius, tubeSegmentsForDiameter(solid.profile.radius * 2))
          : rectangleProfile(solid.profile.width, solid.profile.height);
      sweepProfile(mesh, local, profile, featureId, solid.surface, solid.caps);
    }
    minHeight = Math.min(minHeight, -item.maxDepth);
    maxHeight = Math.max(maxHeight, -item.minDepth);
    rows.push(definitions.map((d) => (d.id === 'id' ? item.id : (item.values[d.sourceName] ?? item.attributes[d.sourceName] ?? null))));
  });
  const vertices = mesh.vertexCount;
  const triangles = mesh.indexCount / 3;
  const glb = buildTileGlb({ mesh, definitions, rows, compression, reorder: false });
  return { glb, features: rows.length, vertices, triangles, minHeight, maxHeight };
}
