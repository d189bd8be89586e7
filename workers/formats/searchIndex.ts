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

/** An index with no feature yet (the pipeline's writer and the server's merge start from it). */
export function emptySearchIndex(featureClass: string): SearchIndexDocument & { namesEn: string[] } {
  return { format: SEARCH_INDEX_FORMAT, version: 1, featureClass, count: 0, ids: [], names: [], namesEn: [], addresses: [], lon: [], lat: [], height: [] };
}

/**
 * One index from several of one feature class, in the order given (a pipe folder's categories:
 * the server merges those a role may see into the folder's search-index.json).
 */
export function mergeSearchIndexes(indexes: readonly SearchIndexDocument[], featureClass: string): SearchIndexDocument {
  const merged = emptySearchIndex(featureClass);
  for (const index of indexes) {
    merged.ids.push(...index.ids);
    merged.names.push(...index.names);
    merged.namesEn.push(...(index.namesEn ?? index.ids.map(() => '')));
    merged.addresses.push(...index.addresses);
    merged.lon.push(...index.lon);
    merged.lat.push(...index.lat);
    merged.height.push(...index.height);
    merged.count += index.ids.length;
  }
  return merged;
}
