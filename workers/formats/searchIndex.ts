/**
 * search-index.json: what the viewer needs to find a feature by name, address or id and fly
 * to it without loading its tile first. Columnar (one array per field, same order) so it
 * stays compact and parses fast; written beside tileset.json by the pipeline, read by the
 * viewer's tileset layers.
 */
export interface SearchIndexDocument {
  format: 'cim-twin-search-index';
  version: 1;
  /** The metadata class of the features (building, pipe). */
  featureClass: string;
  count: number;
  /** Feature ids, equal to the tiles' `id` property. */
  ids: string[];
  /** Display names ('' when the feature has none). */
  names: string[];
  /** English names ('' when none); absent in indexes written before it was added. */
  namesEn?: string[];
  /** Addresses or road names ('' when none). */
  addresses: string[];
  /** Anchor point: longitude and latitude in degrees (7 decimals), height in metres (top of a building, centre of a pipe). */
  lon: number[];
  lat: number[];
  height: number[];
}

export const SEARCH_INDEX_FORMAT = 'cim-twin-search-index';
