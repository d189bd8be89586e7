import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A stable hash of the files under some folders (sorted, content + path): the staleness key. */
export function hashSources(root: string, paths: readonly string[], extra = ''): string {
  const hash = createHash('sha256').update(extra);
  const visit = (path: string): void => {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) return;
    if (info.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (entry !== 'node_modules' && !entry.startsWith('.')) visit(join(path, entry));
    } else {
      hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  for (const path of paths) visit(join(root, path));
  return hash.digest('hex').slice(0, 16);
}
