import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Glb, readGlb, readPropertyColumn } from '../../tiles-pipeline/src/validation/readGlb.js';

export function glbPaths(out: string): string[] {
  return readdirSync(join(out, 'tiles'))
    .filter((f) => f.endsWith('.glb'))
    .sort()
    .map((f) => join(out, 'tiles', f));
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
