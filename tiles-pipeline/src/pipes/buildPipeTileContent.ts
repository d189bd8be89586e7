import { PIPE_CLASS } from '../metadata/FeatureClass.js';
import { enuToEcefMatrix, geodeticToLocal, invertRigid } from '../../../workers/geometry/geodesy.js';
import { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';
import { circleProfile, rectangleProfile, sweepProfile, tubeSegmentsForDiameter } from '../../../workers/geometry/sweepTube.js';
import type { Compression } from '../gltf/Compression.js';
import { buildTileGlb } from '../gltf/buildTileGlb.js';
import type { InstanceGroup } from '../gltf/InstanceGroup.js';
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
  const groups = new Map<string, { rgb: [number, number, number]; surface: number; translations: number[]; scales: number[]; featureIds: number[] }>();
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
      if (solid.instanced && solid.profile.type === 'circle' && n === 2) {
        // A vertical cylinder: one instance of the unit cylinder, from its lower end up.
        const lower = local[2]! <= local[5]! ? 0 : 3;
        const height = Math.abs(local[5]! - local[2]!);
        const key = `${r},${g},${b}|${solid.surface}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = { rgb: [r, g, b], surface: solid.surface, translations: [], scales: [], featureIds: [] }));
        group.translations.push(local[lower]!, local[lower + 1]!, local[lower + 2]!);
        group.scales.push(solid.profile.radius, solid.profile.radius, Math.max(height, 0.001));
        group.featureIds.push(featureId);
        continue;
      }
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
  const glb = buildTileGlb({ mesh, definitions, featureClass: PIPE_CLASS, rows, compression, reorder: false, instances });
  return { glb, features: rows.length, vertices, triangles, minHeight, maxHeight };
}
