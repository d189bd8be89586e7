import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeSearchIndexes, type SearchIndexDocument } from '../../workers/formats/searchIndex.js';
import { type Glb, readGlb, readPropertyColumn } from '../../tiles-pipeline/src/validation/readGlb.js';

/** The tiles of a tileset folder: `tiles/*.glb`, or a pipe tileset's per category (`<code>/tiles/*.glb`), sorted. */
export function glbPaths(out: string): string[] {
  const folders = existsSync(join(out, 'tiles'))
    ? [join(out, 'tiles')]
    : readdirSync(out)
        .filter((name) => /^[A-Z]{2}$/.test(name))
        .sort()
        .map((code) => join(out, code, 'tiles'));
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((f) => f.endsWith('.glb'))
      .sort()
      .map((f) => join(folder, f)),
  );
}

/** All rows of the building property tables of a tileset, as objects keyed by property id. */
export function buildingRows(out: string): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const path of glbPaths(out)) {
    const glb: Glb = readGlb(new Uint8Array(readFileSync(path)));
    const metadata = glb.json.extensions!['EXT_structural_metadata'] as { propertyTables: { count: number; properties: Record<string, unknown> }[] };
    const table = metadata.propertyTables[0]!;
    const columns = Object.fromEntries(Object.keys(table.properties).map((id) => [id, readPropertyColumn(glb, 0, id)]));
    for (let i = 0; i < table.count; i++) rows.push(Object.fromEntries(Object.entries(columns).map(([id, values]) => [id, values[i]])));
  }
  return rows;
}

/** A pipe tileset folder's search index as the server serves it to a role that sees every category: its categories' indexes merged. */
export function pipeSearchIndex(out: string): SearchIndexDocument {
  const codes = readdirSync(out)
    .filter((name) => /^[A-Z]{2}$/.test(name))
    .sort();
  return mergeSearchIndexes(
    codes.map((code) => JSON.parse(readFileSync(join(out, code, 'search-index.json'), 'utf8')) as SearchIndexDocument),
    'pipe',
  );
}
