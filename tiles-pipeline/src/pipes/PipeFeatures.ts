import type { Attributes, FeatureOrigin } from '../readers/SourceFeature.js';

/** A surveyed pipe segment (管线段), validated and converted to WGS84. */
export interface PipeSegment {
  kind: 'segment';
  id: string;
  origin: FeatureOrigin;
  /** CJJ 61 category code (JS, PS, RQ, RL, DL, TX, GY, ZH, QT). */
  category: string;
  subType: string | undefined;
  /** Point ids at the two ends (起点编号, 终点编号), when the survey gives them. */
  fromPoint: string | undefined;
  toPoint: string | undefined;
  /** lon, lat pairs, WGS84. */
  lonLat: Float64Array;
  /** Depth (m) at the start and the end, at the category's reference (top or invert). */
  startDepth: number | undefined;
  endDepth: number | undefined;
  /** Circular: diameter in metres. */
  diameter: number | undefined;
  /** Rectangular section (断面 宽×高), metres. */
  width: number | undefined;
  height: number | undefined;
  material: string | undefined;
  /** CJJ 61 §3.0.2 fields the survey left empty (for the completeness report); lists are shared. */
  missing: readonly string[];
  attributes: Attributes;
}

/** A surveyed pipe point (管线点): a feature point (特征) or an appurtenance (附属物). */
export interface PipePoint {
  kind: 'point';
  id: string;
  origin: FeatureOrigin;
  category: string;
  lon: number;
  lat: number;
  /** 特征: 弯头, 三通, 四通, 变径, 预留口… */
  feature: string | undefined;
  /** 附属物: 阀门, 消防栓, 检修井, 雨水箅, 水表井… */
  appurtenance: string | undefined;
  groundElevation: number | undefined;
  /** Depth of a well (井深) or of the pipe at this point, metres. */
  depth: number | undefined;
  attributes: Attributes;
}
