import type { Attributes, FeatureOrigin } from '../readers/SourceFeature.js';

/** A footprint polygon in WGS84: lon/lat pairs, outer ring CCW then holes CW, rings open. */
export interface GeoPolygon {
  lonLat: Float64Array;
  /** Index (in points) where each ring starts; ringStarts[0] === 0. */
  ringStarts: number[];
}

/** A planar surface of a 3D model in WGS84: lon, lat, height triples, rings open. */
export interface GeoSurface {
  lonLatHeight: Float64Array;
  ringStarts: number[];
  surface: number;
}

/**
 * One building, validated and converted to WGS84: what the tiler places and the tile builder
 * turns into geometry and a property-table row. Structured-clonable (it is spooled with v8).
 */
export interface BuildingRecord {
  /** Position in the whole run's input order: the deterministic sort key. */
  sequence: number;
  origin: FeatureOrigin;
  id: string;
  attributes: Attributes;
  /** CIM level: 2 for extruded footprints (frame model), 3 for LoD2 models. */
  cimLevel: 2 | 3;
  /** Bottom and top of the geometry, metres above the ellipsoid (ground at 0 for footprints). */
  base: number;
  height: number;
  /** The building's height above its ground: the `height` property in the tiles. */
  buildingHeight: number;
  polygons: GeoPolygon[];
  surfaces: GeoSurface[];
  /** [west, south, east, north] degrees. */
  bbox: [number, number, number, number];
  /** Size in metres that goes missing from the view if this building is not drawn. */
  importance: number;
  /** Vertices it will produce: the tiler's weight. */
  vertexCount: number;
}
