import type { FeatureIssue } from '../report/FeatureIssue.js';

export type AttributeValue = string | number | boolean | null;
export type Attributes = Record<string, AttributeValue>;

/** Position in the input, named in every message about the feature. */
export interface FeatureOrigin {
  file: string;
  /** 0-based index of the feature within its file. */
  index: number;
  /** The feature's own id when it has one. */
  id?: string;
}

/** A 2D footprint to extrude (GeoJSON, Shapefile). Coordinates are in the source CRS. */
export interface FootprintFeature {
  kind: 'footprint';
  origin: FeatureOrigin;
  attributes: Attributes;
  /** Polygons, each a list of rings, each a list of [x, y(, z)] positions. */
  polygons: unknown[][][];
}

/** A surface of a 3D building model: rings of [x, y, z] in the source CRS, and its semantic. */
export interface ModelSurface {
  rings: number[][][];
  /** Index into SURFACE_TYPES. */
  surface: number;
}

/** A 3D building model (CityJSON LoD1/LoD2): surfaces already in 3D. */
export interface ModelFeature {
  kind: 'model';
  origin: FeatureOrigin;
  attributes: Attributes;
  lod: string;
  surfaces: ModelSurface[];
}

/** Any other GeoJSON geometry (points, lines: pipe networks), coordinates in the source CRS. */
export interface GeometryFeature {
  kind: 'geometry';
  origin: FeatureOrigin;
  attributes: Attributes;
  geometryType: string;
  coordinates: unknown;
}

/** What a reader yields: a feature, or a problem it found with one (the run goes on). */
export type SourceFeature = FootprintFeature | ModelFeature | GeometryFeature | { kind: 'issue'; issue: FeatureIssue };

/** An opened input: its format, the CRS it declares (if any) and its features, read lazily. */
export interface OpenedSource {
  format: string;
  declaredCrs: string | undefined;
  features: AsyncIterable<SourceFeature>;
  /**
   * Findings about the file as a whole (a code page that does not fit its text, records left
   * out), complete once `features` is exhausted. Reported with the repairs; not features, so
   * not counted as read. Absent: none.
   */
  warnings?: readonly FeatureIssue[];
}
