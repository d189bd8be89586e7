/**
 * How a pipe tileset folder (`cim-twin pipes --out <dir>`) is laid out, so the server can serve
 * each CJJ 61 category on its own and refuse one without touching its neighbours:
 *
 *   <dir>/tileset.json          root: one child per category, each an external tileset (no geometry)
 *   <dir>/categories.json       this manifest
 *   <dir>/network.json          every category (the server filters it per role)
 *   <dir>/build-report.json     every category (the server filters it per role)
 *   <dir>/<code>/tileset.json   the category's tiles (`<code>/tiles/*.glb`)
 *   <dir>/<code>/search-index.json
 *   <dir>/<code>/attributes.json  every feature's input attributes, sensitive ones included: never
 *                                 served as a file, only through the attributes API
 *
 * Sensitive attributes (dataAccess.ts SENSITIVE_PIPE_FIELDS) are in attributes.json only: never
 * in tiles, their metadata or a search index, which are cached and shared.
 */
export const PIPE_CATEGORIES_FORMAT = 'cim-twin-pipe-categories';
export const PIPE_ATTRIBUTES_FORMAT = 'cim-twin-pipe-attributes';
export const PIPE_CATEGORIES_FILE = 'categories.json';

export interface PipeCategoriesDocument {
  format: typeof PIPE_CATEGORIES_FORMAT;
  version: 1;
  /** In CJJ 61 order; a category with no feature has no folder. */
  categories: { code: string; features: number; tiles: number }[];
}

/** A category's attributes side file, columnar: `values[i][j]` is feature `ids[i]`'s value of `fields[j]`. */
export interface PipeAttributesDocument {
  format: typeof PIPE_ATTRIBUTES_FORMAT;
  version: 1;
  category: string;
  fields: string[];
  ids: string[];
  values: (string | number | boolean | null)[][];
}

/** The files of one category's folder, relative to the tileset folder. */
export function categoryFiles(code: string): { tileset: string; searchIndex: string; attributes: string; tilesPrefix: string } {
  return { tileset: `${code}/tileset.json`, searchIndex: `${code}/search-index.json`, attributes: `${code}/attributes.json`, tilesPrefix: `${code}/tiles/` };
}

export function isPipeCategoriesDocument(value: unknown): value is PipeCategoriesDocument {
  const doc = value as PipeCategoriesDocument | null;
  return (
    typeof doc === 'object' &&
    doc !== null &&
    doc.format === PIPE_CATEGORIES_FORMAT &&
    doc.version === 1 &&
    Array.isArray(doc.categories) &&
    doc.categories.every((c) => typeof c?.code === 'string' && /^[A-Z]{2}$/.test(c.code))
  );
}
