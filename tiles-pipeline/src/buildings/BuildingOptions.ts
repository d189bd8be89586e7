/** How attributes become heights; every field has a documented default. */
export interface BuildingOptions {
  /** Attribute with the building height in metres; common names are tried when undefined. */
  heightField: string | undefined;
  /** Attribute with the number of floors; common names are tried when undefined. */
  floorsField: string | undefined;
  /** Attribute with the height of the building's bottom (e.g. a bridge or an overhang). */
  minHeightField: string | undefined;
  floorHeight: number;
  /** Height used when a feature has neither height nor floors (reported as HEIGHT_DEFAULTED). */
  defaultHeight: number;
  /**
   * Vertices a ring may have (default MAX_RING_VERTICES): a larger one is simplified within
   * RING_SIMPLIFY_TOLERANCE_METRES (RING_SIMPLIFIED), or skipped if still larger (RING_TOO_MANY_VERTICES).
   */
  maxRingVertices?: number;
}

export const HEIGHT_FIELDS = ['height', 'HEIGHT', 'Height', '高度', '建筑高度', 'bldg_height', 'building_height', 'measuredHeight', 'h_dak', 'h'];
export const FLOORS_FIELDS = ['floors', 'FLOORS', 'Floors', '层数', '楼层', '地上层数', 'building:levels', 'levels', 'floor', 'FLOOR', 'storeys'];
export const MIN_HEIGHT_FIELDS = ['min_height', 'minHeight', 'MIN_HEIGHT', '底高'];
/** Taller than any building on Earth (Burj Khalifa: 828 m): certainly a unit or data error. */
export const MAX_BUILDING_HEIGHT = 1000;
/** A footprint wider than this is a stray vertex, not a building. */
export const MAX_FOOTPRINT_EXTENT_METRES = 5000;
export const MIN_FOOTPRINT_AREA = 0.5;
/**
 * Default --max-ring-vertices. Triangulating and compressing a jagged 100k-vertex footprint
 * takes 30 s and more (earcut slows down quadratically on long, jagged rings), 10k well under a
 * second; real outlines have tens to hundreds (the OSM API caps a way at 2,000 nodes). A larger
 * ring is simplified within the tolerance first, so only one with more real detail is skipped.
 */
export const MAX_RING_VERTICES = 10_000;
/** How far simplification may move a ring's outline: below what a 1:500 survey resolves. */
export const RING_SIMPLIFY_TOLERANCE_METRES = 0.05;
