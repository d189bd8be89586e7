import { BUILDING_CLASS } from '../metadata/FeatureClass.js';
import { enuToEcefMatrix, geodeticToLocal, invertRigid } from '../../../workers/geometry/geodesy.js';
import { MeshAccumulator } from '../../../workers/geometry/MeshAccumulator.js';
import { extrudeFootprint } from '../../../workers/geometry/extrudeFootprint.js';
import { triangulateSurface } from '../../../workers/geometry/triangulateSurface.js';
import type { BuildingRecord } from '../buildings/BuildingRecord.js';
import type { Compression } from '../gltf/Compression.js';
import { buildTileGlb } from '../gltf/buildTileGlb.js';
import type { PropertyDefinition } from '../metadata/AttributeSchema.js';
import { encodePropertyTable } from '../metadata/encodePropertyTable.js';
import type { AttributeValue } from '../readers/SourceFeature.js';
import type { TileContentResult } from './TileContentResult.js';

export interface TileContentInput {
  /** The tile's buildings, in input order (their feature ids are their positions here). */
  records: readonly BuildingRecord[];
  /** Origin of the tile's local ENU frame, degrees. */
  centerLon: number;
  centerLat: number;
  definitions: readonly PropertyDefinition[];
  compression: Compression;
}

/** Builds one tile: geometry in the tile's ENU frame, one property-table row per building. */
export function buildTileContent(input: TileContentInput): TileContentResult {
  const ecefToLocal = invertRigid(enuToEcefMatrix(input.centerLon, input.centerLat, 0));
  const mesh = new MeshAccumulator(input.records.reduce((sum, record) => sum + record.vertexCount, 0));
  const rows: AttributeValue[][] = [];
  let minHeight = Infinity;
  let maxHeight = -Infinity;
  const centroid = new Float64Array(3);
  input.records.forEach((record, featureId) => {
    // Earth curvature: the ground under the building is below the tile's tangent plane.
    let ground = 0;
    if (record.polygons.length > 0) {
      geodeticToLocal(new Float64Array([(record.bbox[0] + record.bbox[2]) / 2, (record.bbox[1] + record.bbox[3]) / 2, 0]), ecefToLocal, centroid);
      ground = centroid[2]!;
    }
    for (const polygon of record.polygons) {
      const n = polygon.lonLat.length / 2;
      const geodetic = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        geodetic[i * 3] = polygon.lonLat[i * 2]!;
        geodetic[i * 3 + 1] = polygon.lonLat[i * 2 + 1]!;
      }
      const local = new Float64Array(n * 3);
      geodeticToLocal(geodetic, ecefToLocal, local);
      const xy = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        xy[i * 2] = local[i * 3]!;
        xy[i * 2 + 1] = local[i * 3 + 1]!;
      }
      extrudeFootprint(mesh, xy, polygon.ringStarts, ground + record.base, ground + record.height, featureId);
    }
    for (const surface of record.surfaces) {
      const local = new Float64Array(surface.lonLatHeight.length);
      geodeticToLocal(surface.lonLatHeight, ecefToLocal, local);
      triangulateSurface(mesh, local, surface.ringStarts, featureId, surface.surface);
    }
    minHeight = Math.min(minHeight, record.base);
    maxHeight = Math.max(maxHeight, record.height);
    rows.push(rowOf(record, input.definitions));
  });
  const vertices = mesh.vertexCount;
  const triangles = mesh.indexCount / 3;
  const glb = buildTileGlb({
    mesh,
    definitions: input.definitions,
    featureClass: BUILDING_CLASS,
    table: encodePropertyTable(input.definitions, rows),
    compression: input.compression,
  });
  return { glb, features: rows.length, vertices, triangles, minHeight, maxHeight };
}

function rowOf(record: BuildingRecord, definitions: readonly PropertyDefinition[]): AttributeValue[] {
  return definitions.map((d) => {
    switch (d.id) {
      case 'id':
        return record.id;
      case 'height':
        return record.buildingHeight;
      case 'baseHeight':
        return record.base;
      case 'cimLevel':
        return record.cimLevel;
      default: {
        const value = record.attributes[d.sourceName] ?? null;
        if (value !== null && d.type === 'STRING' && typeof value !== 'string') return String(value);
        return value;
      }
    }
  });
}
