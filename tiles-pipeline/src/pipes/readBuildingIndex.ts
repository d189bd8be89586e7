import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_INDEX_FORMAT, type SearchIndexDocument } from '../../../workers/formats/searchIndex.js';
import { InputFileError } from '../readers/InputFileError.js';
import type { ServiceBuilding } from './ServiceConnections.js';

/**
 * The buildings to connect (`--buildings`): a buildings tileset (its folder, or its
 * search-index.json), so that the ids are the tiles' own and every building has its point and
 * address — whatever id rules and repairs the buildings run applied.
 */
export function readBuildingIndex(path: string): { file: string; list: ServiceBuilding[] } {
  let file = path;
  try {
    if (statSync(path).isDirectory()) file = join(path, 'search-index.json');
  } catch (error) {
    throw new InputFileError(path, `cannot read: ${(error as Error).message}`);
  }
  let doc: SearchIndexDocument;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as SearchIndexDocument;
  } catch (error) {
    throw new InputFileError(file, `cannot read the buildings tileset's search index: ${(error as Error).message}`);
  }
  if (doc.format !== SEARCH_INDEX_FORMAT || !Array.isArray(doc.ids)) throw new InputFileError(file, `not a search index (format ${String(doc.format)})`);
  if (doc.featureClass !== 'building') throw new InputFileError(file, `the search index of a ${doc.featureClass} tileset, not of buildings`);
  return {
    file,
    list: doc.ids.map((id, i) => ({ id, lon: doc.lon[i]!, lat: doc.lat[i]!, address: doc.addresses[i] || undefined })),
  };
}
