/**
 * Stable codes for feature problems. Skips drop the feature; repairs keep it and warn.
 * Codes are part of the CLI's contract (build-report.json): add, never rename.
 */
export const SKIP_CODES = [
  'FEATURE_INVALID', // not a GeoJSON Feature / not an object
  'GEOMETRY_MISSING',
  'GEOMETRY_UNSUPPORTED', // e.g. a Point or LineString where a footprint is expected
  'RING_TOO_FEW_POINTS',
  'RING_SELF_INTERSECTS',
  'COORDINATE_NOT_FINITE', // NaN, Infinity, null, strings
  'COORDINATE_OUT_OF_RANGE', // after conversion: not a place on Earth
  'COORDINATES_LOOK_PROJECTED', // metres in a lon/lat file: wrong or missing --crs
  'EXTENT_ABSURD', // one building spanning kilometres: a stray vertex
  'HEIGHT_INVALID', // zero, negative or not a number
  'HEIGHT_ABSURD', // taller than any building on Earth
  'AREA_DEGENERATE', // collapses to (almost) nothing
  'CITYJSON_VERTEX_INDEX', // boundary refers to a vertex that does not exist
  'CITYJSON_NO_GEOMETRY', // no usable geometry at the chosen LoD
  'CRS_CONVERSION_FAILED',
] as const;

export const REPAIR_CODES = [
  'RING_CLOSED', // unclosed ring closed
  'WINDING_FIXED', // ring orientation normalised
  'DUPLICATE_VERTICES_REMOVED',
  'LATLON_SWAPPED', // lat/lon order swapped in input, unambiguous from the ranges
  'HEIGHT_DEFAULTED', // no height and no floors: default height used
  'DUPLICATE_ID', // id seen before in this run; kept, the tiles' `id` stays as given
  'ATTRIBUTE_TYPE_MIXED', // a field holds several types; written as strings
] as const;

export type SkipCode = (typeof SKIP_CODES)[number];
export type RepairCode = (typeof REPAIR_CODES)[number];
export type IssueCode = SkipCode | RepairCode;
