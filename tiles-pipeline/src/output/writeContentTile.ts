import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a tile's glb under a content-addressed name, tiles/<path>-<hash>.glb, so servers can
 * cache tiles forever and a rebuild changes the names. Returns the URI relative to tileset.json.
 */
export function writeContentTile(outDir: string, path: string, glb: Uint8Array): string {
  const hash = createHash('sha256').update(glb).digest('hex').slice(0, 12);
  const uri = `tiles/${path === '' ? 'root' : path}-${hash}.glb`;
  writeFileSync(join(outDir, uri), glb);
  return uri;
}
