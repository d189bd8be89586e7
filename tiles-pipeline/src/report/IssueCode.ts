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
  // Pipe networks.
  'CATEGORY_UNKNOWN', // no CJJ 61 category (or an unknown code) for the feature
  'LINE_TOO_SHORT', // fewer than two distinct points
  'DEPTH_INVALID', // negative or not a number
  'DEPTH_ABSURD', // deeper than any utility is buried: a unit error (cm?)
  'DIAMETER_INVALID', // zero, negative or not a number
  'DIAMETER_ABSURD', // more than 5 m: a unit error
  'SECTION_INVALID', // 断面 not "width×height"
  'RING_TOO_MANY_VERTICES', // more vertices than --max-ring-vertices even after simplifying
  'ELEVATION_ABSURD', // 地面高程 (ground elevation) not a height on Earth
  'COORDINATE_OUTLIER', // far outside the rest of the data set (e.g. an EPANET node 1e15 units away)
  'NESTING_TOO_DEEP', // JSON nested deeper than --max-nesting (not parsed, or its properties not read)
  'FEATURE_TOO_LARGE', // its JSON is larger than --max-feature-mb (not read), or a building's attribute text is too long to build
  'TILE_FAILED', // its tile could not be built (its worker ran out of memory, or threw): not drawn
] as const;

export const REPAIR_CODES = [
  'RING_CLOSED', // unclosed ring closed
  'WINDING_FIXED', // ring orientation normalised
  'DUPLICATE_VERTICES_REMOVED',
  'LATLON_SWAPPED', // lat/lon order swapped in input, unambiguous from the ranges
  'HEIGHT_DEFAULTED', // no height and no floors: default height used
  'DUPLICATE_ID', // no longer reported (ids were kept twice); ID_DUPLICATE_RENAMED replaces it
  'ATTRIBUTE_TYPE_MIXED', // a field holds several types; written as strings
  'DIAMETER_UNIT_GUESSED', // a diameter of 0.3 "mm" is 0.3 m: read as metres
  'DEPTH_DEFAULTED', // no depth: the category's typical cover used
  'SIZE_DEFAULTED', // neither diameter nor section: the category's typical size used
  'ID_DUPLICATE_RENAMED', // id used by an earlier feature of the run: this one becomes "<id>#2" (#3…)
  'RING_SIMPLIFIED', // more vertices than --max-ring-vertices: simplified within a stated tolerance
  // File-level warnings (feature "*"): not repairs of a feature, listed with them.
  'TEXT_ENCODING_SUSPECT', // text does not read as the code page the .cpg / language driver names
  'RECORD_DELETED', // dBASE records flagged deleted: left out, as GIS software does (not read)
] as const;

export type SkipCode = (typeof SKIP_CODES)[number];
export type RepairCode = (typeof REPAIR_CODES)[number];
export type IssueCode = SkipCode | RepairCode;
